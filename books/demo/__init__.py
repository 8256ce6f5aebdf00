"""The demo province for `manage.py seed_demo` and `manage.py demo_logins`."""

from .logins import DEMO_PASSWORD, DEMO_USERS, login_rows, login_table
from .seed import DemoError, DemoSeeder, campaign_year, figures, is_present, seed

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "DemoError",
    "DemoSeeder",
    "campaign_year",
    "figures",
    "is_present",
    "login_rows",
    "login_table",
    "seed",
]
