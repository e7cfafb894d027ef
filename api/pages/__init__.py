"""Pages for people, in Norwegian bokmål: server-rendered, usable without JavaScript.

One module per part of the product, each with its list of controllers: `basic` (sign-in,
the front page, receipts), `report` (the report form), `mine` (/mine), `profile`
(/profil), `cases` (/avvik), `actions` (/tiltak).
"""

from __future__ import annotations


def page_handlers() -> list:
    from api.pages.actions import ACTION_PAGES
    from api.pages.basic import FrontPage, LoginPage, ReceiptPage
    from api.pages.cases import CASE_PAGES
    from api.pages.mine import MyReportsPage
    from api.pages.profile import ProfilePage
    from api.pages.report import ReportPage

    return [
        LoginPage,
        FrontPage,
        ReceiptPage,
        ReportPage,
        MyReportsPage,
        ProfilePage,
        *CASE_PAGES,
        *ACTION_PAGES,
    ]
