"""Pages for people, in Norwegian bokmål: server-rendered, usable without JavaScript."""

from __future__ import annotations


def page_handlers() -> list:
    from api.pages.basic import FrontPage, LoginPage, ReceiptPage
    from api.pages.report import ReportPage

    return [LoginPage, FrontPage, ReceiptPage, ReportPage]
