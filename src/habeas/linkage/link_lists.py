"""Duplicates in the store, and an incoming list linked to everyone else: read → match → queue.

`find_duplicates` compares every live person with every other (as blocking allows);
`find_links` compares the people a source reports (an import, a list document, another
organisation's export) with the people it does not report, never two of its own. Both return
a `Prediction`; `queue_pairs` puts its pairs in the candidate queue (habeas.linkage.queue)
with their origin, "dedupe" or "link:<source id>", in one audited transaction.

Which sources reported each person needs no table of its own: it is the citations (a person,
or their custody period, arrest event or charge, cited by the source), which is also how
`habeas estimate --from-store` builds its lists. Link a list before estimating, and merge the
pairs confirmed, so that one person is not counted as two.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from habeas.errors import ValidationError
from habeas.linkage import queue
from habeas.linkage.dedupe import MAX_PAIRS, Prediction, predict_pairs
from habeas.linkage.dedupe_rows import people_rows, source_people
from habeas.linkage.queue import Candidate
from habeas.service import Service
from habeas.storage.tables import sources

__all__ = ["candidates", "find_duplicates", "find_links", "queue_pairs"]


def find_duplicates(conn: Connection, threshold: float = 0.9, max_pairs: int = MAX_PAIRS) -> Prediction:
    """Pairs of live people who may be one person, above `threshold` match probability."""
    return predict_pairs(people_rows(conn), threshold=threshold, max_pairs=max_pairs, train_m=False)


def find_links(
    conn: Connection, source_id: str, threshold: float = 0.9, max_pairs: int = MAX_PAIRS
) -> Prediction:
    """Pairs (a person the source reports, a person it does not) above `threshold`."""
    exists = conn.execute(sources.select().where(sources.c.id == source_id)).first()
    if exists is None:
        raise ValidationError(
            "--source", source_id, "no such source; see `habeas history` or the sources page"
        )
    reported = source_people(conn, source_id)
    if not reported:
        return Prediction()
    rows = people_rows(conn)
    incoming = [row for row in rows if row["unique_id"] in reported]
    others = [row for row in rows if row["unique_id"] not in reported]
    if not others:
        return Prediction()
    return predict_pairs(incoming, threshold=threshold, max_pairs=max_pairs, link_to=others, train_m=False)


def candidates(prediction: Prediction, origin: str = "dedupe") -> list[Candidate]:
    """The prediction's pairs as queue candidates, not yet queued."""
    return [
        Candidate("", p.id_l, p.id_r, p.probability, p.match_weight, p.evidence, origin=origin)
        for p in prediction.pairs
    ]


def queue_pairs(service: Service, prediction: Prediction, origin: str = "dedupe") -> int:
    """Queue the pairs not queued before; the number queued."""
    return queue.add(service, candidates(prediction, origin))
