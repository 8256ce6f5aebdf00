"""Settings for bench/pages.py: the real settings plus a stock Django admin for the baseline.

The baseline is what a developer would build first: a plain `ModelAdmin` changelist for Member
on its own AdminSite, mounted at /bench-admin/ by bench/urls_admin.py. Nothing here is used by
the application itself; our real admin (/quan-tri/) is untouched.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_admin"
