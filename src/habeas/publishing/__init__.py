"""Publishing: the redaction gate every output passes through, the public site and database, statements."""
