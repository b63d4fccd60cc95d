"""Facts, templates and re-binding: known answers on hand-written texts and observations."""

from __future__ import annotations

from agentzoo.systems.legomem.candidates import bind_action, memory_actions, slot_candidates
from agentzoo.systems.legomem.facts import (
    Facts,
    add_observation_facts,
    rebind,
    refs_in,
    task_facts,
    template,
)


def test_task_entities_known_answers() -> None:
    facts = task_facts(
        "Add a meeting to Bob's calendar at 5/17/2024 10:30 a.m to 11:00 p.m, then email tom@x.com "
        'the file report.docx titled "Q2 plan" with 1,200 units and two pens.', "Alice", files=["data/report.docx"])
    v = facts.values
    assert v["user"] == "Alice" and v["date#1"] == "2024-05-17"
    assert (v["time#1"], v["time#2"]) == ("10:30", "23:00")
    assert v["email#1"] == "tom@x.com" and v["file#1"] == "data/report.docx"
    assert v["quoted#1"] == "Q2 plan" and v["name#1"] == "Bob"
    assert v["phrase:a#1"] == "meeting" and v["phrase:the#1"] == "file"
    assert [v[k] for k in ("number#1", "number#2")] == ["1200", "2"]  # dates and times are not numbers
    assert "number#3" not in v


def test_dates_in_several_formats_and_sentence_initial_words() -> None:
    facts = task_facts("Schedule the review on May 3, 2024 at 14:00. Tom joins on 2024-06-01 from 9 am.", "Bob")
    assert [facts.values[f"date#{i}"] for i in (1, 2)] == ["2024-05-03", "2024-06-01"]
    assert [facts.values[f"time#{i}"] for i in (1, 2)] == ["14:00", "09:00"]
    assert facts.values["name#1"] == "Tom" and "Schedule" not in facts.values.values()


def test_sheet_email_and_event_observations() -> None:
    facts = task_facts("Look up the units for coastal and email Dan.", "Bob")
    add_observation_facts(facts, [
        ("obs", "(1, 1): Region\t(1, 2): Units\t\n(2, 1): north\t(2, 2): 1,200\t\n(3, 1): coastal\t(3, 2): 77\t\n"),
        ("obs", "Emails of Bob:\nEmail ID: a.eml\nFrom: Dan@example.com\nTo: Bob@example.com\nSubject: Invitation: "
                "budget sync\nContent: Hi...\n" + "-" * 50 + "\n"),
        ("obs", "From: Dan@example.com\nTo: Bob@example.com\nSubject: Invitation: budget sync\n"
                "Content: Join us on May 30, 2024 from 9:30 a.m. to 10:30 a.m. Bring $40."),
    ])
    v = facts.values
    assert v["next_row"] == "4" and v["row:phrase:for#1"] == "3" and v["at:phrase:for#1:2"] == "77"
    assert v["sum:2"] == "1277" and v["cell:2,1"] == "north"
    assert v["mail#1"] == "a.eml" and v["mail:name#1"] == "a.eml"
    assert v["subject_topic"] == "budget sync" and v["sender"] == "Dan"
    assert (v["odate#1"], v["otime#1"], v["otime#2"], v["onumber#1"]) == ("2024-05-30", "09:30", "10:30", "40")
    events = task_facts("List Bob's events on 5/6/2024.", "Bob")
    add_observation_facts(events, [("obs", "Events of Bob:\nSummary: b\nStart Time: 2024-05-06 14:00:00\nEnd Time: x\n"
                                           "Summary: a\nStart Time: 2024-05-06 09:00:00\nEnd Time: y\n"
                                           "Summary: c\nStart Time: 2024-05-07 09:00:00\nEnd Time: z\n")])
    assert events.values["events_on:date#1"] == "a, b" and events.values["first_event_on:date#1"] == "a"


def test_template_rebind_round_trip_to_a_new_task() -> None:
    source = task_facts("Look up the quantity for toner in inventory.xlsx and email it to Tom.", "Bob",
                        files=["data/inventory.xlsx"])
    add_observation_facts(source, [("obs", "(1, 1): Item\t(1, 2): Quantity\t\n(2, 1): toner\t(2, 2): 40\t\n")])
    content = template("The quantity for toner is 40.", source, "content")
    assert content == "The {phrase:the#1} for {phrase:for#1} is {at:phrase:for#1:2}."
    assert template("Tom", source, "recipient") == "{name#1}" and template("Bob", source, "sender") == "{user}"
    assert template("data/inventory.xlsx", source, "file_path") == "{file#1}"
    assert template("2", source, "row_idx") == "{row:phrase:for#1}"
    assert template("2", source, "column_idx") == "2"  # column indices stay literal
    target = task_facts("Look up the units for coastal in sales.xlsx and email it to Ann.", "Eve",
                        files=["data/sales.xlsx"])
    add_observation_facts(target, [("obs", "(1, 1): Region\t(1, 2): Units\t\n(2, 1): x\t(2, 2): 1\t\n"
                                           "(3, 1): coastal\t(3, 2): 77\t\n")])
    assert rebind(content, target) == "The units for coastal is 77."
    assert rebind("{row:phrase:for#1}", target) == "3"
    assert rebind("{name#2}", target) is None  # unknown references do not bind
    assert refs_in(content) == ["phrase:the#1", "phrase:for#1", "at:phrase:for#1:2"]


def test_braces_in_values_survive() -> None:
    facts = Facts({"quoted#1": "a {b} c"})
    assert template("see a {b} c now", facts, "text") == "see {quoted#1} now"
    assert rebind(template("see a {b} c now", facts, "text"), facts) == "see a {b} c now"
    assert rebind(template("{literal}", Facts(), "text"), Facts()) == "{literal}"


def test_memory_actions_rebind_skip_unresolved_and_executed() -> None:
    facts = Facts({"user": "Eve", "name#1": "Ann"})
    units = [{"steps": [{"action": {"app": "email", "action": "send_email", "sender": "{user}",
                                    "recipient": "{name#1}", "subject": "hi", "content": "{quoted#1}"}},
                        {"action": {"app": "email", "action": "list_emails", "username": "{user}"}}]}]
    actions, dropped = memory_actions(units, facts, [], limit=8)
    assert actions == [{"app": "email", "action": "list_emails", "username": "Eve"}] and dropped == 1
    again, _ = memory_actions(units, facts, actions, limit=8)
    assert again == []
    assert bind_action({"app": "x", "action": "y", "a": "{user}!"}, facts) == {"app": "x", "action": "y", "a": "Eve!"}


def test_slot_candidates_by_argument_type() -> None:
    facts = task_facts("Put a yoga class on Ann's calendar on 5/6/2024 from 9:00 a.m. to 10:00 a.m.", "Bob",
                       files=["calendar/Bob.ics", "data/a.xlsx"])
    assert slot_candidates("user", facts, "calendar", [], 16)[:2] == ["Bob", "Ann"]
    assert slot_candidates("time_start", facts, "calendar", [], 16)[0] == "2024-05-06 09:00:00"
    assert slot_candidates("time_end", facts, "calendar", [], 16)[0] == "2024-05-06 10:00:00"
    assert slot_candidates("summary", facts, "calendar", [], 16)[0] == "yoga class"
    assert slot_candidates("file_path", facts, "excel", ["data/a.xlsx", "data/b.docx"], 16) == ["data/a.xlsx"]
    assert len(slot_candidates("row_idx", facts, "excel", [], 3)) == 3
