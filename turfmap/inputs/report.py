"""The printed (and stored) report of an import run."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from turfmap.store.models import AuditEvent, ImportRun, utcnow


@dataclass
class ImportReport:
    kind: str
    source: str
    set_slug: str | None = None
    committed: bool = False
    counts: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    started_at: datetime = field(default_factory=utcnow)
    # Who ran it: the web passes the signed-in user; anything else came from a shell.
    actor: str = field(default_factory=lambda: f"cli:{getpass.getuser()}")
    # Told each line as it is noted: a job shows the report growing (coordination/jobs.py).
    on_note: Callable[[str], object] | None = field(default=None, repr=False, compare=False)

    def note(self, line: str) -> None:
        self.lines.append(line)
        if self.on_note is not None:
            self.on_note(line)

    def render(self) -> str:
        head = f"{self.kind} import from {self.source}"
        if self.set_slug:
            head += f" into set {self.set_slug!r}"
        body = [head, *(f"  {line}" for line in self.lines)]
        if self.committed:
            body.append("  COMMITTED.")
        else:
            body.append("  Dry run: nothing was written. Add --commit to load it.")
        return "\n".join(body)

    def record(self, session: Session) -> ImportRun:
        """Add the run to ``session`` (inside the import's own transaction)."""
        self.committed = True
        run = ImportRun(
            kind=self.kind,
            source=self.source,
            set_slug=self.set_slug,
            started_at=self.started_at,
            finished_at=utcnow(),
            counts=self.counts,
            report=self.render(),
        )
        session.add(run)
        session.flush()
        session.add(
            AuditEvent(
                actor=self.actor,
                action=f"import.{self.kind}",
                target=self.set_slug or self.source,
                detail={"source": self.source, "counts": self.counts, "import_run": run.id},
            )
        )
        return run
