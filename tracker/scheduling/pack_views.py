"""Panel packs for staff: a printable page and a PDF, for one slot or for a day. Only HR and
the panel get one (packs.py); anyone else is told there is no such page. Each view and each
download is recorded in the audit log."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.accounts.permissions import Permission, require
from tracker.actions import save
from tracker.audit.services import record_event
from tracker.extensions import limiter
from tracker.scheduling import packs, pdf
from tracker.scheduling.blueprint import bp
from tracker.scheduling.models import SlotKind
from tracker.scheduling.slots import clock

VIEWED = "panel_pack.viewed"
DOWNLOADED = "panel_pack.downloaded"
_KINDS = "any(assessment, interview)"
# A PDF takes seconds of a web worker (docs/performance.md): one person may not keep asking for
# them, whichever packs they ask for. Counted per user across both routes, after the sign-in
# check (so anyone not signed in is sent to sign in, not counted).
_pdf_limit = limiter.shared_limit(
    lambda: current_app.config["PANEL_PACK_PDF_LIMIT"],
    scope="panel-pack-pdf",
    key_func=lambda: f"panel-pack-pdf:{current_user.id}",
)


def _slot_pack(slot_id: int) -> tuple[packs.Pack, dict]:
    slot = packs.slot_for(current_user, slot_id)
    if slot is None:
        abort(404)
    return packs.build(current_user, [slot], whole_day=False), {
        "object_type": "slot",
        "object_id": slot.id,
    }


def _day(value: str) -> date:
    """An ISO date, 2027-02-03, or 404 (Python also reads 20270203 and week dates as dates)."""
    try:
        found = date.fromisoformat(value)
    except ValueError:
        abort(404)
    if len(value) != 10 or found.isoformat() != value:
        abort(404)
    return found


def _day_pack(role_id: int, day: str, slot_kind: str) -> tuple[packs.Pack, dict]:
    slots = packs.day_slots_for(current_user, role_id, _day(day), SlotKind(slot_kind))
    if not slots:
        abort(404)
    return packs.build(current_user, slots, whole_day=True), {
        "object_type": "role",
        "object_id": role_id,
    }


def _pdf_link(pack: packs.Pack) -> str:
    if pack.whole_day:
        return url_for(
            "scheduling.day_pack_pdf",
            role_id=pack.role.id,
            day=pack.day.isoformat(),
            slot_kind=pack.kind.value,
        )
    return url_for("scheduling.slot_pack_pdf", slot_id=pack.slots[0].id)


def _context(pack: packs.Pack) -> dict:
    """What the page and the PDF both show."""
    return {
        "pack": pack,
        "guide": packs.GUIDE,
        "bar": packs.BAR,
        "note_lines": packs.NOTE_LINES,
        "clock": clock,
    }


def _page(pack: packs.Pack, about: dict):
    save(
        lambda: record_event(
            actor=current_user, action=VIEWED, details=pack.audit_details(), **about
        )
    )
    return render_template(
        "scheduling/pack.html",
        **_context(pack),
        pdf_link=_pdf_link(pack) if pdf.available() and not pack.too_big_for_a_pdf else None,
        pdf_available=pdf.available(),
        most_in_a_pdf=packs.MOST_IN_A_PDF,
    )


def _file(pack: packs.Pack, about: dict, back: str):
    if not pdf.available():
        flash(
            "A PDF of the panel pack is not available on this server. Print this page instead: "
            "each candidate starts on a new page.",
            "error",
        )
        return redirect(back)
    if pack.too_big_for_a_pdf:
        instead = (
            "Print this page instead, or download the pack for each time."
            if pack.each_time_fits
            else "Print this page from your browser instead."
        )
        flash(
            f"This pack has {len(pack.candidates)} candidates, more than one PDF can hold "
            f"({packs.MOST_IN_A_PDF}). {instead}",
            "error",
        )
        return redirect(back)
    html = render_template("scheduling/pack_document.html", **_context(pack))
    body = pdf.render(html)
    save(
        lambda: record_event(
            actor=current_user, action=DOWNLOADED, details=pack.audit_details(), **about
        )
    )
    # The file's name says which day and slots, never who: it may sit in a downloads folder.
    name = f"panel-pack-{pack.kind.value}-{pack.day.isoformat()}"
    if not pack.whole_day:
        name += f"-{clock(pack.slots[0].starts_at).replace(':', '')}"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
    )


@bp.get("/staff/slots/<int:slot_id>/pack")
@require(Permission.VIEW_STAFF_PAGES)
def slot_pack(slot_id: int):
    return _page(*_slot_pack(slot_id))


@bp.get("/staff/slots/<int:slot_id>/pack.pdf")
@require(Permission.VIEW_STAFF_PAGES)
@_pdf_limit
def slot_pack_pdf(slot_id: int):
    return _file(*_slot_pack(slot_id), back=url_for("scheduling.slot_pack", slot_id=slot_id))


@bp.get(f"/staff/roles/<int:role_id>/days/<day>/<{_KINDS}:slot_kind>/pack")
@require(Permission.VIEW_STAFF_PAGES)
def day_pack(role_id: int, day: str, slot_kind: str):
    return _page(*_day_pack(role_id, day, slot_kind))


@bp.get(f"/staff/roles/<int:role_id>/days/<day>/<{_KINDS}:slot_kind>/pack.pdf")
@require(Permission.VIEW_STAFF_PAGES)
@_pdf_limit
def day_pack_pdf(role_id: int, day: str, slot_kind: str):
    back = url_for("scheduling.day_pack", role_id=role_id, day=day, slot_kind=slot_kind)
    return _file(*_day_pack(role_id, day, slot_kind), back=back)
