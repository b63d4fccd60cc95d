"""The fifteen office task families: each builder writes one task into a :class:`Draft` (its
text, files, evaluation, gold program and plan) from a seeded generator.

:func:`family` registers a builder under its function name with the number of apps it uses, so
:data:`FAMILIES` (family -> number of apps) and :data:`BUILDERS` come from one list. The order
of the random draws in each builder is part of the format: the same seed must keep giving
byte-identical tasks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from agentzoo.envs.office.drafting import (
    EVENTS,
    NOW,
    SENTENCES,
    SUBJECTS,
    THINGS,
    Draft,
    a_day,
    a_time,
    ampm,
    contain,
    eml,
    hm,
    ics,
    ics_key,
    long_date,
    mdy,
    pick,
    plus,
    row_is,
    sheet_data,
    stamp,
    variant,
    xlsx,
)

Builder = Callable[[np.random.Generator, Draft], None]
FAMILIES: dict[str, int] = {}
"""Family name -> number of apps its tasks use, in the order the families are defined."""
BUILDERS: dict[str, Builder] = {}
"""Family name -> the function that writes one of its tasks."""


def family(n_apps: int) -> Callable[[Builder], Builder]:
    """Register the decorated builder as the family of its name, using ``n_apps`` apps."""

    def register(builder: Builder) -> Builder:
        FAMILIES[builder.__name__] = n_apps
        BUILDERS[builder.__name__] = builder
        return builder

    return register


# --------------------------------------------------------------------------- one-app families
@family(1)
def calendar_add(r: np.random.Generator, d: Draft) -> None:
    user, title, day, t1 = d.username, pick(r, EVENTS)[0], a_day(r), a_time(r)
    t2 = plus(t1, int(r.choice([30, 60, 90])))
    d.task = variant(r, [
        "Put a {T} on {U}'s calendar on {D} from {a} to {b}.",
        "Please add a {T} to the calendar of {U} for {L} between {a} and {b}.",
        "{U} has a {T} on {I} from {c} to {e}; record it in the calendar.",
    ], T=title, U=user, D=mdy(day), L=long_date(day), I=f"{day:%Y-%m-%d}", a=ampm(t1), b=ampm(t2), c=hm(t1), e=hm(t2))
    other = [e for e in EVENTS if e != title]
    d.files[f"calendar/{user}.ics"] = ics([(other[0], day + dt.timedelta(days=1), dt.time(9), dt.time(10))])
    d.evaluation = [contain("ics", [f"DTSTART:{ics_key(day, t1)}", title, f"DTEND:{ics_key(day, t2)}"],
                            file=f"calendar/{user}.ics")]
    d.act("calendar", "create_event", user=user, summary=title, time_start=stamp(day, t1), time_end=stamp(day, t2))
    d.step("calendar", f"Create the event {title} for {user} on {day:%Y-%m-%d} from {hm(t1)} to {hm(t2)}")


@family(1)
def calendar_move(r: np.random.Generator, d: Draft) -> None:
    user, day = d.username, a_day(r)
    first, second, third = pick(r, EVENTS, 3)
    t1 = a_time(r, 8, 12)
    t3 = dt.time(int(r.integers(15, 18)), 0)
    t4 = plus(t3, 60)
    d.files[f"calendar/{user}.ics"] = ics([(first, day, t1, plus(t1, 60)), (second, day, plus(t1, 30), plus(t1, 90)),
                                           (third, day, dt.time(13), dt.time(14))])
    d.task = variant(r, [
        'The "{A}" and "{B}" events on {D} overlap in {U}\'s calendar. Move "{B}" to {a} - {b}.',
        '{U}\'s calendar has a clash on {L} between "{A}" and "{B}"; reschedule "{B}" from {a} to {b}.',
        'On {D}, "{A}" collides with "{B}" for {U}. Put "{B}" at {c}-{e} instead.',
    ], A=first, B=second, U=user, D=mdy(day), L=long_date(day), a=ampm(t3), b=ampm(t4), c=hm(t3), e=hm(t4))
    d.evaluation = [{"function": "evaluate_calendar_no_overlap", "args": {"username": user}},
                    contain("ics", [second, f"DTSTART:{ics_key(day, t3)}"], file=f"calendar/{user}.ics")]
    d.act("calendar", "delete_event", user=user, summary=second)
    d.act("calendar", "create_event", user=user, summary=second, time_start=stamp(day, t3), time_end=stamp(day, t4))
    d.step("calendar", f"Delete {second} from {user}'s calendar and create it again on {day:%Y-%m-%d} at {hm(t3)}")


@family(1)
def excel_append(r: np.random.Generator, d: Draft) -> None:
    stem, _, head2, rows, items = sheet_data(r, 3)
    new, value = items[-1], int(r.integers(2, 99))
    path = d.add_sheet(stem, rows)
    d.task = variant(r, [
        "Add {X} with {h} {V} to the bottom of {F}.",
        "In {F}, add {X} as a new row with {V} {h}.",
        "Please add {X} ({h}: {V}) at the end of the {F} sheet.",
    ], X=new, h=head2.lower(), V=value, F=f"{stem}.xlsx")
    d.evaluation = [row_is(path, 5, new, value)]
    d.act("excel", "read_file", file_path=path)
    d.set_row(path, 5, new, value)
    d.step("excel", f"Read {path} and write {new} and {value} in the next empty row")


@family(1)
def excel_delete(r: np.random.Generator, d: Draft) -> None:
    stem, _, _, rows, _ = sheet_data(r, 4)
    row = int(r.integers(2, 6))
    item, value = rows[row - 1]
    path = d.add_sheet(stem, rows)
    d.task = variant(r, [
        "Remove the row for {X} from {F}.",
        "Delete the entry for {X} in {F}.",
        "{F} should no longer list anything for {X}; clear that row.",
    ], X=item, F=f"{stem}.xlsx")
    d.evaluation = [{"function": "evaluate_diff_contain_text", "args": {
        "doc_type": "xlsx", "input_file": f"../../../../cache/0/testbed/{path}", "output_file": path,
        "keywords": [item, str(value)]}}]
    d.act("excel", "read_file", file_path=path)
    d.act("excel", "delete_cell", file_path=path, row_idx=row, column_idx=1)
    d.act("excel", "delete_cell", file_path=path, row_idx=row, column_idx=2)
    d.step("excel", f"Read {path} and empty both cells of the row for {item}")


@family(1)
def excel_sort(r: np.random.Generator, d: Draft) -> None:
    stem, _head1, head2, rows, _ = sheet_data(r, 2)
    (a, va), (b, vb) = sorted((tuple(x) for x in rows[1:]), key=lambda x: x[1])
    path = d.add_sheet(stem, [rows[0], [a, va], [b, vb]])
    d.references[f"{stem}.xlsx"] = xlsx([rows[0], [b, vb], [a, va]])
    d.task = variant(r, [
        "Sort {F} by {h} from highest to lowest.",
        "Reorder the rows of {F} so the largest {h} comes first.",
        "Arrange {F} in descending order of {h}.",
    ], F=f"{stem}.xlsx", h=head2.lower())
    d.evaluation = [{"function": "evaluate_exact_match", "args": {
        "doc_type": "xlsx", "result_file": path, "expected_file": f"../../../../reference/{stem}.xlsx"}}]
    d.act("excel", "read_file", file_path=path)
    d.set_row(path, 2, b, vb)
    d.set_row(path, 3, a, va)
    d.step("excel", f"Read {path} and swap its two data rows so the larger {head2} is first")


@family(1)
def word_write(r: np.random.Generator, d: Draft) -> None:
    sentence, name = pick(r, SENTENCES)[0], str(pick(r, ("notice", "memo", "reminder", "update", "note"))[0])
    name = f"{name}_{int(r.integers(1, 99))}"
    path = f"data/{name}.docx"
    d.task = variant(r, [
        'Create a Word file {N}.docx containing the sentence "{S}"',
        'Write "{S}" into a new document named {N}.docx.',
        'Make a new Word document {N}.docx that says "{S}"',
    ], N=name, S=sentence)
    d.evaluation = [{"function": "evaluate_file_exist", "args": {"file": path}}, contain("docx", [sentence], file=path)]
    d.new_docx(path, sentence)
    d.step("word", f"Create {path} and write the given sentence into it")


@family(1)
def email_send(r: np.random.Generator, d: Draft) -> None:
    other = d.others(r)[0]
    subject, body = pick(r, SUBJECTS)[0], pick(r, SENTENCES)[0]
    d.task = variant(r, [
        'Send an email to {N} with the subject "{J}" saying "{B}"',
        'Email {N}: subject "{J}", message "{B}"',
        'Write to {N} by email, subject "{J}", text "{B}"',
    ], N=other, J=subject, B=body)
    d.evaluation = [contain("email", [subject, body], username=other)]
    d.act("email", "send_email", sender=d.username, recipient=other, subject=subject, content=body)
    d.step("email", f"Send {other} an email with the subject {subject}")


# --------------------------------------------------------------------------- two- and three-app families
def _lookup(r: np.random.Generator, d: Draft) -> tuple[str, str, str, int]:
    """A 4-row sheet and one of its items: (path, second header lowercased, item, value)."""
    stem, _, head2, rows, _ = sheet_data(r, 4)
    row = int(r.integers(2, 6))
    path = d.add_sheet(stem, rows)
    return path, head2.lower(), str(rows[row - 1][0]), int(rows[row - 1][1])


def _look_up_and_email(d: Draft, path: str, h: str, item: str, other: str, content: str,
                       note: str | None = None) -> None:
    """Gold and plan: read the sheet ``path``, optionally note ``content`` in the Word file
    ``note``, and email ``content`` to ``other`` (subject: the item and the column)."""
    d.act("excel", "read_file", file_path=path)
    if note is not None:
        d.new_docx(note, content)
    d.act("email", "send_email", sender=d.username, recipient=other, subject=f"{item} {h}", content=content)
    d.step("excel", f"Read {path} and find the {h} for {item}")
    if note is not None:
        d.step("word", f"Create {note} and write the {h} for {item} into it")
    d.step("email", f"Email {other} the {h} for {item}")


class Invitation(NamedTuple):
    """An invitation email in the user's inbox: who sent it, the event, and the email's id."""

    host: str
    title: str
    day: dt.date
    start: dt.time
    end: dt.time
    mail_id: str


def _invitation(r: np.random.Generator, d: Draft) -> Invitation:
    """An inbox with an invitation from someone and a distractor email; returns the facts."""
    host, other = d.others(r, 2)
    title, day, t1 = pick(r, EVENTS)[0], a_day(r), a_time(r)
    t2 = plus(t1, 60)
    mail_id = f"invitation_{title.replace(' ', '_')}.eml"
    d.files[f"emails/{d.username}/{mail_id}"] = eml(
        host, d.username, f"Invitation: {title}",
        f"Hi {d.username}, you are invited to the {title} on {long_date(day)} from {ampm(t1)} to {ampm(t2)}. "
        f"Best, {host}", NOW.date() - dt.timedelta(days=2))
    d.files[f"emails/{d.username}/newsletter.eml"] = eml(
        other, d.username, "Weekly newsletter",
        f"Hello {d.username}, the cafeteria menu changes on {long_date(a_day(r))}. Regards, {other}",
        NOW.date() - dt.timedelta(days=3))
    return Invitation(host, title, day, t1, t2, mail_id)


def _accept(d: Draft, invite: Invitation) -> dict[str, Any]:
    """Gold and plan: read ``invite`` and put its event on the user's calendar; returns the
    predicate that checks the calendar."""
    d.read_mail(invite.mail_id)
    d.act("calendar", "create_event", user=d.username, summary=invite.title,
          time_start=stamp(invite.day, invite.start), time_end=stamp(invite.day, invite.end))
    d.step("email", f"List {d.username}'s emails and read the invitation from {invite.host}")
    d.step("calendar", f"Create the invited event in {d.username}'s calendar")
    return contain("ics", [invite.title, f"DTSTART:{ics_key(invite.day, invite.start)}"],
                   file=f"calendar/{d.username}.ics")


@family(2)
def excel_to_email(r: np.random.Generator, d: Draft) -> None:
    path, h, item, value = _lookup(r, d)
    other = d.others(r)[0]
    d.task = variant(r, [
        "Look up the {h} for {X} in {F} and email it to {N}.",
        "Email {N} the {h} that {F} lists for {X}.",
        "Check {F} for the {h} for {X}, then send it to {N} by email.",
    ], h=h, X=item, F=Path(path).name, N=other)
    d.evaluation = [contain("email", [item, str(value)], username=other)]
    _look_up_and_email(d, path, h, item, other, f"The {h} for {item} is {value}.")


@family(2)
def invite_to_calendar(r: np.random.Generator, d: Draft) -> None:
    invite = _invitation(r, d)
    d.task = variant(r, [
        "{H} sent {U} an invitation by email; add that event to {U}'s calendar.",
        "Put the event from {H}'s invitation email on the calendar of {U}.",
        "Find the invitation from {H} in {U}'s inbox and create the calendar event for it.",
    ], H=invite.host, U=d.username)
    d.evaluation = [_accept(d, invite)]


@family(2)
def calendar_to_word(r: np.random.Generator, d: Draft) -> None:
    day = a_day(r)
    first, second, third = pick(r, EVENTS, 3)
    d.files[f"calendar/{d.username}.ics"] = ics([
        (first, day, dt.time(9), dt.time(10)), (third, day + dt.timedelta(days=2), dt.time(11), dt.time(12)),
        (second, day, dt.time(14), dt.time(15))])
    name = f"agenda_{int(r.integers(1, 99))}"
    path = f"data/{name}.docx"
    d.task = variant(r, [
        "Write the names of {U}'s events on {D} into {N}.docx.",
        "List the calendar events of {U} for {L} in a new Word file {N}.docx.",
        "Copy {U}'s schedule for {D} into the document {N}.docx.",
    ], U=d.username, D=mdy(day), L=long_date(day), N=name)
    d.evaluation = [{"function": "evaluate_file_exist", "args": {"file": path}},
                    contain("docx", [first, second], file=path),
                    {"function": "evaluate_not_contain", "args": {"doc_type": "docx", "file": path,
                                                                  "keywords": [third]}}]
    d.act("calendar", "list_events", username=d.username)
    d.new_docx(path, f"{first}, {second}")
    d.step("calendar", f"List {d.username}'s events and keep those on {day:%Y-%m-%d}")
    d.step("word", f"Create {path} and write the event names into it")


@family(2)
def excel_total_to_word(r: np.random.Generator, d: Draft) -> None:
    stem, _, head2, rows, _ = sheet_data(r, 4)
    total = sum(int(v) for _, v in rows[1:])
    name = f"total_{int(r.integers(1, 99))}"
    path = d.add_sheet(stem, rows)
    d.task = variant(r, [
        "Add up the {h} column of {F} and write the total into {N}.docx.",
        "Put the total {h} from {F} in a Word file called {N}.docx.",
        "Sum the {h} in {F} and save the result in the document {N}.docx.",
    ], h=head2.lower(), F=f"{stem}.xlsx", N=name)
    d.evaluation = [contain("docx", [str(total)], file=f"data/{name}.docx")]
    d.act("excel", "read_file", file_path=path)
    d.new_docx(f"data/{name}.docx", f"Total {head2.lower()}: {total}")
    d.step("excel", f"Read {path} and add up its {head2} column")
    d.step("word", f"Create data/{name}.docx and write the total into it")


@family(2)
def email_to_excel(r: np.random.Generator, d: Draft) -> None:
    sender, filler1, filler2 = d.others(r, 3)
    amount, thing = int(r.integers(20, 900)), pick(r, THINGS)[0]
    path = "data/claims.xlsx"
    d.files[path] = xlsx([["Person", "Amount"], [filler1, int(r.integers(20, 900))],
                          [filler2, int(r.integers(20, 900))]])
    d.files[f"emails/{d.username}/expense_{sender}.eml"] = eml(
        sender, d.username, "Expense claim", f"Hi {d.username}, I spent ${amount} on {thing}. Thanks, {sender}",
        NOW.date() - dt.timedelta(days=1))
    d.task = variant(r, [
        "{S} emailed {U} an expense claim; add {S} and the amount as a new row of claims.xlsx.",
        "Record the amount from {S}'s expense email in a new row of claims.xlsx, next to the name {S}.",
        "Read the expense claim {S} sent to {U} and append {S} with the amount to claims.xlsx.",
    ], S=sender, U=d.username)
    d.evaluation = [row_is(path, 4, sender, amount)]
    d.read_mail(f"expense_{sender}.eml")
    d.act("excel", "read_file", file_path=path)
    d.set_row(path, 4, sender, amount)
    d.step("email", f"List {d.username}'s emails and read the expense claim from {sender}")
    d.step("excel", f"Append {sender} and the claimed amount to {path}")


@family(3)
def invite_confirm(r: np.random.Generator, d: Draft) -> None:
    invite = _invitation(r, d)
    host, title = invite.host, invite.title
    d.task = variant(r, [
        "Add the event from {H}'s invitation email to {U}'s calendar and email {H} to confirm.",
        "{H} invited {U} by email: put the event on {U}'s calendar, then reply to {H} that {U} will attend.",
        "Accept the invitation {H} emailed to {U}: create the calendar event and send {H} a confirmation.",
    ], H=host, U=d.username)
    d.evaluation = [_accept(d, invite), contain("email", ["attend", title], username=host)]
    d.act("email", "send_email", sender=d.username, recipient=host, subject=f"Re: Invitation: {title}",
          content=f"I will attend the {title}.")
    d.step("email", f"Email {host} that {d.username} will attend")


@family(3)
def excel_word_email(r: np.random.Generator, d: Draft) -> None:
    path, h, item, value = _lookup(r, d)
    other, name = d.others(r)[0], f"note_{int(r.integers(1, 99))}"
    d.task = variant(r, [
        "Find the {h} for {X} in {F}, note it in {N}.docx and email it to {M}.",
        "Look up the {h} for {X} in {F}; write it into a new file {N}.docx and send it to {M}.",
        "Get the {h} for {X} from {F}, save it in the Word file {N}.docx, then email {M} about it.",
    ], h=h, X=item, F=Path(path).name, N=name, M=other)
    d.evaluation = [contain("docx", [str(value)], file=f"data/{name}.docx"),
                    contain("email", [item, str(value)], username=other)]
    _look_up_and_email(d, path, h, item, other, f"The {h} for {item} is {value}.", note=f"data/{name}.docx")


@family(3)
def calendar_excel_email(r: np.random.Generator, d: Draft) -> None:
    day = a_day(r)
    first, second, third = pick(r, EVENTS, 3)
    d.files[f"calendar/{d.username}.ics"] = ics([
        (second, day, dt.time(15), dt.time(16)), (first, day, dt.time(8, 30), dt.time(9, 30)),
        (third, day + dt.timedelta(days=1), dt.time(7), dt.time(8))])
    path, h, item, value = _lookup(r, d)
    other = d.others(r)[0]
    d.task = variant(r, [
        "Email {M} the first event on {U}'s calendar for {D} and the {h} for {X} from {F}.",
        "Tell {M} by email which event opens {U}'s day on {L}, plus the {h} for {X} listed in {F}.",
        "Send {M} the earliest event of {U} on {D} together with the {h} for {X} in {F}.",
    ], M=other, U=d.username, D=mdy(day), L=long_date(day), h=h, X=item, F=Path(path).name)
    d.evaluation = [contain("email", [first, str(value)], username=other)]
    d.act("calendar", "list_events", username=d.username)
    d.act("excel", "read_file", file_path=path)
    d.act("email", "send_email", sender=d.username, recipient=other, subject="Daily update",
          content=f"First event: {first}. The {h} for {item} is {value}.")
    d.step("calendar", f"List {d.username}'s events and find the first one on {day:%Y-%m-%d}")
    d.step("excel", f"Read {path} and find the {h} for {item}")
    d.step("email", f"Email {other} the first event and the {h} for {item}")
