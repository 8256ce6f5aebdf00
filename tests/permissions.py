"""The declared access rules the permission matrix (tests/test_permission_matrix.py) checks.

Screens declare their own rule next to the code: `web.common.hat_required(*kinds)` leaves the
allowed hat kinds on the view (`view.hat_kinds`). This module declares what the code cannot say
by itself:
- the routes anyone may open (PUBLIC) and those any logged-in user may open (LOGGED_IN);
- the routes left out of the matrix, each with its reason (SKIPPED);
- which object a route's URL names (OBJECT_OF), so the matrix can ask for one of the user's own
  organisation and one of a foreign organisation;
- for the API (from /api/v1/openapi.json): which object each path names and who may act.

A route or an API operation that is not declared here (and has no `hat_kinds`) fails the matrix
with a message naming it.
"""

from __future__ import annotations

from typing import Any

# --------------------------------------------------------------------------- the roles of the cast

# role name → the attribute of tests.cast.Cast and the hat kind it wears (None: no hat at all)
ROLES: dict[str, str | None] = {
    "finance_secretary": "workplace",
    "finance_clerk": "workplace",
    "finance_cell_secretary": "workplace_cell",
    "lc_secretary": "residence",
    "lc_clerk": "residence",
    "lc_cell_secretary": "residence_cell",
    "board_officer": "board",
    "member_user": "member",
    "outsider": None,
    "anonymous": None,
}
WORKPLACE_STAFF = {"finance_secretary", "finance_clerk"}
WORKPLACE_SIDE = WORKPLACE_STAFF | {"finance_cell_secretary"}
RESIDENCE_STAFF = {"lc_secretary", "lc_clerk"}
RESIDENCE_SIDE = RESIDENCE_STAFF | {"lc_cell_secretary"}
AUTHENTICATED = set(ROLES) - {"anonymous"}

# --------------------------------------------------------------------------- screens

# Routes (by URL name) anyone may open, logged in or not: GET gives 200 (or a redirect), never a login.
PUBLIC: dict[str, str] = {
    "login": "the login page",
    "logout": "logging out (POST) ends whatever session there is",
    "healthz": "the load balancer's health check",
    "documents:verify_form": "the verification form for a code read off a paper",
    "documents:verify": "what a printed code proves (initials only; public by design, see docs/documents.md)",
    "api_docs": "the API's documentation page",
    "api:openapi-json": "the OpenAPI document",
    "api:api-root": "the API's index (links only)",
    "api/v1/^.*$": "the API's catch-all 404 in JSON",
    "password_reset": "asking for a password-reset e-mail",
    "password_reset_done": "the page after asking",
    "password_reset_confirm": "the link of the e-mail (a wrong link says so)",
    "password_reset_complete": "the page after a new password",
}

# Routes any logged-in user may open, whatever their hat: their own home, notifications, API keys.
LOGGED_IN: dict[str, str] = {
    "home": "the home page of whatever hat the user wears (an empty one for a user with no role)",
    "switch_role": "choosing among one's own hats",
    "notifications:list": "one's own notifications",
    "notifications:mark_all_read": "one's own notifications",
    "notifications:open": "one's own notification (another user's: 404)",
    "notifications:mark_read": "one's own notification (another user's: 404)",
    "api_tokens": "one's own API keys",
    "api_token_revoke": "one's own API key (another user's: 404)",
    "two_factor_verify": "the second factor of one's own login",
    "two_factor_recovery": "a recovery code of one's own login",
    "account_security": "one's own account",
    "two_factor_start": "one's own second factor",
    "two_factor_setup": "one's own second factor",
    "two_factor_codes": "one's own recovery codes",
    "two_factor_new_codes": "one's own recovery codes",
    "two_factor_disable": "one's own second factor",
    "password_change": "one's own password",
    "password_change_done": "one's own password",
}

# Left out of the matrix, with the reason.
SKIPPED: dict[str, str] = {
    "quan-tri/": "Django's admin: staff users only (is_staff), guarded by Django itself; the cast has no staff",
    "set_language": "Django's set_language: changes only the visitor's own language cookie, no data behind it",
}

# What the object in a route's URL is ("member" → the world's member of the user's organisation, or
# of a foreign one). A route with an object argument that is not listed here fails the matrix.
OBJECT_OF: dict[str, str] = {
    "requests:detail": "address_change",
    "requests:accept": "address_change",
    "requests:reject": "address_change",
    "workplace:member": "member",
    "workplace:member_edit": "member",
    "workplace:member_residence": "member",
    "workplace:member_workplace": "member",
    "workplace:member_exemption": "member",
    "workplace:member_end": "member",
    "workplace:member_on_demand": "member",
    "workplace:letter_withdraw": "letter",
    "workplace:comment": "comment_returned",
    "workplace:rate": "book",
    "workplace:notice": "notice",
    "residence:reassign": "entry",
    "residence:raise_notice": "entry",
    "residence:certify": "comment_signed",
    "residence:return": "comment_certified",
    "residence:send_back": "comment_signed",
    "residence:paper_comment": "comment_requested",
    "residence:cell": "residence_cell",
    "cell:comment": "comment_requested",
    "board:commune": "residence_committee",
    "board:workplace": "workplace_committee",
    "member:term_book": "book",
    "notifications:open": "notification",
    "notifications:mark_read": "notification",
    "scans:download": "scan",
    "scans:attach": "letter_scan_target",
    "spreadsheets:import_status": "import",
    "spreadsheets:import_confirm": "import",
    "documents:letter": "letter",
    "documents:comment": "comment_signed",
    "documents:book": "book",
    "documents:verify": "verification",
    "documents:letters_job": "print_job",
    "documents:letters_job_file": "print_job",
    "api_token_revoke": "token",
}

# URL arguments that are not objects: a fixed, valid value.
FIXED_ARGS: dict[str, dict[str, Any]] = {
    "spreadsheets:board": {"side": "xa-phuong"},
    "documents:blank": {"form": "1-213"},
    "password_reset_confirm": {"uidb64": "MQ", "token": "sai-ma"},
}

# The board officer's province (Vĩnh Long) holds every object of the cast: for the board, the
# foreign objects are the organisations of another province, built for the matrix, and only the
# board's own routes (board:commune, board:workplace) name organisations. Elsewhere the board's
# "foreign" object is one of its province, seen by design (the row is checked as "own").
BOARD_SEES_THE_PROVINCE = True

# --------------------------------------------------------------------------- the API

# The object a path parameter names.
API_OBJECT_OF_PARAM = {
    "member_id": "member",
    "letter_id": "letter",
    "comment_id": "comment_signed",
    "book_id": "book",
    "notice_id": "notice",
}

# Who sees each kind of object through the API (books.access): a GET of it gives 200 to them and
# 404 to everyone else; an action on it gives 404 to everyone else.
API_SEEN_BY: dict[str, set[str]] = {
    "member": WORKPLACE_SIDE | RESIDENCE_SIDE | {"board_officer", "member_user"},
    "letter": WORKPLACE_SIDE | RESIDENCE_SIDE | {"board_officer", "member_user"},
    "comment_signed": WORKPLACE_SIDE | RESIDENCE_SIDE | {"board_officer", "member_user"},
    "book": WORKPLACE_SIDE | {"board_officer", "member_user"},
    "notice": WORKPLACE_STAFF | RESIDENCE_STAFF | {"board_officer", "member_user"},
}

# Who may take each action (books.actions decides; the others who see the object get 403).
# An allowed caller gets the success code, or 400/409 when the state or the data refuse it
# (each call runs in a transaction rolled back at once, so nothing is changed for the next one).
API_ACT: dict[str, set[str]] = {
    "POST /members": WORKPLACE_STAFF,
    "POST /members/{member_id}/update": WORKPLACE_STAFF,
    "POST /members/{member_id}/reassign-cell": RESIDENCE_STAFF,
    "POST /members/{member_id}/change-residence": WORKPLACE_STAFF,
    "POST /members/{member_id}/change-workplace": WORKPLACE_STAFF,
    "POST /members/{member_id}/end-employment": WORKPLACE_STAFF,
    "POST /members/{member_id}/exemption": WORKPLACE_STAFF,
    "POST /members/{member_id}/exemption/clear": WORKPLACE_STAFF,
    "POST /letters/prepare": WORKPLACE_STAFF,
    "POST /letters/issue": WORKPLACE_STAFF,
    "POST /letters/confirm": RESIDENCE_STAFF,
    "POST /letters/{letter_id}/withdraw": WORKPLACE_STAFF,
    "POST /campaigns": WORKPLACE_STAFF,
    "POST /comments/on-demand": WORKPLACE_STAFF,
    "POST /comments/{comment_id}/write": RESIDENCE_SIDE,
    "POST /comments/{comment_id}/sign": RESIDENCE_SIDE,
    "POST /comments/{comment_id}/send-back": RESIDENCE_STAFF,
    "POST /comments/{comment_id}/certify": RESIDENCE_STAFF,
    "POST /comments/{comment_id}/return": RESIDENCE_STAFF,
    "POST /comments/{comment_id}/acknowledge": WORKPLACE_STAFF,
    "POST /books/{book_id}/rating": WORKPLACE_SIDE,  # the cell rates in December (web: workplace:rate)
    "POST /notices": RESIDENCE_STAFF,
    "POST /notices/{notice_id}/answer": WORKPLACE_STAFF,
    "POST /meetings": RESIDENCE_SIDE,  # the cell, or its committee for it
}

# The object named in the body of an action (a caller who does not see it gets 404).
API_BODY_OBJECT: dict[str, str] = {
    "POST /members": "workplace_cell",
    "POST /letters/prepare": "member",
    "POST /letters/issue": "member",
    "POST /letters/confirm": "letter_waiting",
    "POST /campaigns": "workplace_committee",
    "POST /comments/on-demand": "book",
    "POST /notices": "member",
    "POST /meetings": "residence_cell",
    # actions on a path object that also name an object in the body
    "POST /members/{member_id}/reassign-cell": "residence_cell",
    "POST /members/{member_id}/change-workplace": "workplace_cell",
}

# The API operations that need no login.
API_PUBLIC: set[str] = set()
