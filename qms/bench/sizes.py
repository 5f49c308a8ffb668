"""The dataset sizes: T for the tests, S one province of the demo, M one real province, N the country."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    communes: int
    procedures: int
    revisions: int
    users: int
    actions: int
    audit_years: int
    #: Tiny sizes are built in the current database by the tests, without the demo.
    tiny: bool = False


SIZES = {
    size.name: size
    for size in (
        Size("T", communes=2, procedures=3, revisions=2, users=12, actions=6, audit_years=2, tiny=True),
        Size("S", communes=30, procedures=150, revisions=2, users=900, actions=900, audit_years=5),
        Size("M", communes=100, procedures=150, revisions=2, users=3_000, actions=3_000, audit_years=5),
        Size("N", communes=3_321, procedures=150, revisions=2, users=100_000, actions=100_000, audit_years=5),
    )
}
