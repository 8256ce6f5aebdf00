"""A committee's year of letters 1-213 through the background print (documents.jobs.run), as the
task worker runs it: time, PDF size, peak memory (docs/performance.md, "PDFs"). Rolled back; the
PDF goes to a temporary MEDIA_ROOT and is deleted.

    DATABASE_URL=$(bench/pg.sh url solienhe_2500k) .venv/bin/python bench/print_job.py 43489 2025

(arguments: the workplace committee's id, the year; the login bench_wp of bench/pages.py must
exist and wear that committee's hat: run bench/pages.py once with --workplace ID.)
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["MEDIA_ROOT"] = "/tmp/solienhe-bench-print-job"
import django


def main() -> None:
    # the layout processes are spawned: they import this module again, hence the __main__ guard
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from documents import jobs
    from documents.models import PrintJob
    from orgs.models import Organisation

    committee = Organisation.objects.get(pk=int(sys.argv[1]))
    year = int(sys.argv[2])
    user = get_user_model().objects.get(username="bench_wp")
    with transaction.atomic():
        job = PrintJob.objects.create(user=user, committee=committee, year=year, letter_count=0)
        t = time.perf_counter()
        job = jobs.run(job)
        wall = time.perf_counter() - t
        me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size = job.file.size if job.file else 0
        print(
            f"{committee.name}, {year}: status {job.status}, {job.letter_count} letters, {wall:.1f} s "
            f"(job.seconds {job.seconds}), PDF {size / 1e6:.1f} MB; peak RSS: worker process {me:.0f} MB, "
            f"largest layout process {kids:.0f} MB; load {os.getloadavg()[0]:.2f}; message {job.message!r}"
        )
        if job.file:
            job.file.delete(save=False)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
