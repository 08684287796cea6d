"""Getting data in and out: spreadsheets, habeas's own JSON, Uwazi CSV, published list documents."""
