"""Extension objects, created unbound so that the app factory can configure them."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any, cast

from flask import request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from sqlalchemy import CursorResult, UpdateBase

# Named constraints keep migrations reproducible across PostgreSQL and SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
wtforms_helpers = WTFormsHelpers()
login_manager = LoginManager()
# Storage, fallback and limits come from config (RATELIMIT_*); see tracker/config.py.


def client_network() -> str:
    """Who a per-address limit counts: the IPv4 address, or the IPv6 /64 network, since one
    household or host is handed a whole /64 and could otherwise rotate through it."""
    address = request.remote_addr or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


limiter = Limiter(key_func=client_network)


def rows_matched(statement: UpdateBase) -> int:
    """Run an UPDATE or DELETE in the session and say how many rows it matched.

    The session returns a CursorResult for these, with the count, but SQLAlchemy 2.0 types
    Session.execute as returning a plain Result; its changelog (2.0.44) advises this cast.
    """
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount
