"""The English texts (docs/texts.md lists each with its segments and its source).

Rules every text keeps (checked by ``notifier check-templates``, reviewed against 988's
safe-messaging guidance, NIDA's "Words Matter" and CTIA's messaging principles):

- a lock screen shows it to anyone: first names only, nothing that names the program's nature,
  drugs, abuse or a hotline other than 988/911;
- hope and one clear next step; 911 before 988 when life is in danger now; no method details;
- never a promise nobody keeps: ``{team}`` is the sentence that says staff were told (or when
  someone will reach out); it is empty when no alert was queued, so the text says only what is
  true. "Any time" is said only of 988.
"""

from __future__ import annotations

CLIENT: dict[str, str] = {
    "reminder_group": (
        "Hi {first_name}, a reminder: your group meets {when}{at_place}. "
        "Reply 1 to confirm or 2 if you can't make it."
    ),
    "reminder_individual": (
        "Hi {first_name}, a reminder of your appointment {when}{at_place}. "
        "Reply 1 to confirm or 2 if you can't make it."
    ),
    # Kinds of meeting (sessions add --kind): the same shape, the meeting named plainly.
    "reminder_family": (
        "Hi {first_name}, a reminder: your family session is {when}{at_place}. "
        "Reply 1 to confirm or 2 if you can't make it."
    ),
    "reminder_workshop": (
        "Hi {first_name}, a reminder: your workshop is {when}{at_place}. "
        "Reply 1 to confirm or 2 if you can't make it."
    ),
    # To a support person the client named, only with the client's written consent (42 CFR
    # Part 2): who sends it, the meeting and the client's first name, nothing about the program.
    "reminder_support": (
        "{program_name}: a reminder that the family session with {first_name} is {when}{at_place}."
    ),
    "checkin": "Hi {first_name}, a quick check-in: {question}",
    # CTIA: brand, what and how often, that texts are not read 24/7, HELP and STOP; sent once
    # when consent is recorded.
    "welcome": (
        "Hi {first_name}, this is {program_name}: meeting reminders and short check-ins a few "
        "times a week. Texts are not read 24/7. If you are in danger, call 911; to talk, call "
        "or text 988. Reply HELP for help, STOP to opt out. Msg & data rates may apply."
    ),
    "opt_out_confirm": (
        "{program_name}: you are unsubscribed and will get no more texts from this number. "
        "Reply START to resubscribe."
    ),
    "opt_in_confirm": (
        "{program_name}: Hi {first_name}, texts will resume. Reply STOP to unsubscribe or HELP "
        "for help."
    ),
    "help": (
        "{program_name}: texts are not read 24/7. Call {program_phone}, {hours}. In danger: "
        "911. To talk any time: call or text 988. STOP to opt out. Msg & data rates may apply."
    ),
    # --- risk: crisis (988 first; 911 first when life is in danger now) -------------------
    "crisis": (
        "{first_name}, you are not alone. Call or text 988 now to talk with someone, day or "
        "night. If you are in danger, call 911. {team}"
    ),
    "crisis_urgent": (
        "{first_name}, please call 911 now, or ask someone near you to call. Then call or text "
        "988. {team}"
    ),
    "overdose": (
        "{first_name}, call 911 now. If someone won't wake up or is not breathing, stay with "
        "them. {naloxone}Then call or text 988. {team}"
    ),
    "medical": ("{first_name}, please call 911 now and stay where help can reach you. {team}"),
    "withdrawal": (
        "{first_name}, if there is a seizure, confusion or chest pain, call 911 now. {team}"
    ),
    "violence": (
        "Thank you for telling us, {first_name}. {team} If anyone is in danger now, call 911."
    ),
    # Discreet: someone else may read it. Nothing about what was said, no hotline.
    "safety": "Got it, {first_name}. {team}",
    "safety_urgent": "Got it, {first_name}. {team} If you are in danger now, call 911.",
    "concern": (
        "Thank you for telling us, {first_name}. {team} To talk now, call or text 988, day or "
        "night."
    ),
    # A further message while an alert is open (one per 10 minutes).
    "followup": (
        "We got your messages, {first_name}. On-call staff know. Please call or text 988 now: "
        "you don't have to wait for us. If you are in danger, call 911."
    ),
    # HELP within a day of a crisis or concern reply: how to reach 988, not this number.
    "risk_help": (
        "{first_name}, to talk with someone now, call or text 988 (not this number), day or "
        "night. If you are in danger, call 911. {team}"
    ),
    # A number on no client's record: nothing that names the program.
    "unknown_crisis": (
        "If you are in danger now, call 911. To talk with someone, call or text 988, day or "
        "night. You are not alone."
    ),
    # --- a person will reach out ({team} says when) ---------------------------------------
    "callback": "Thanks, {first_name}. {team} If it is urgent, call or text 988.",
    "medication": "Thanks, {first_name}. {team}",
    "naloxone": (
        "Thanks, {first_name}. {team} Pharmacies sell it without a prescription. If someone "
        "won't wake up: 911."
    ),
    "pregnancy": "Thank you for telling us, {first_name}. {team}",
    "life_event": (
        "Thank you for telling us, {first_name}. Your counselor will see this before your next "
        "meeting."
    ),
    "wrong_number": "Sorry about that. This number will get no more texts from us.",
    # NIDA "Words Matter": no judgement, no "clean/dirty/relapse"; nothing on the lock screen
    # names use.
    "use_ack": (
        "Thanks for being honest with us, {first_name}. It matters, and you are not alone. We "
        "can talk about it at your next meeting."
    ),
    "ack": "Thanks, {first_name}, got your {score}. {skill}",
    "ack_high": (
        "Thanks, {first_name}, got your {score}. {skill} Call or text 988 any time to talk."
    ),
    "ack_confirm": "Thanks, {first_name}, see you {when}.",
    "ack_decline": (
        "Thanks for letting us know, {first_name}. We have you down as not coming {when}."
    ),
    # --- the {team} sentences -------------------------------------------------------------
    "team": "We have let our team know.",
    "team_when": "Someone from our team will reach out {when}.",
    "team_about": "Someone from our team will reach out {when} about this.",
    "team_discreet": "We will be in touch {when}.",
    "team_counselor": "A counselor will call you as soon as possible.",
    "naloxone_line": "If you have naloxone, give it now. ",
}

# Staff texts carry a link ({link}: NOTIFIER_PUBLIC_URL/a/<token>, or the command `notifier
# alerts --open` without a public URL); never what the client wrote.
STAFF: dict[str, str] = {
    "alert": (
        "notifier: {first_name} ({external_id}) needs a call now: urgent message at {time}. "
        "Open: {link}"
    ),
    "alert_concern": (
        "notifier: {first_name} ({external_id}) sent a worrying message at {time}. "
        "Not an emergency: reach out today. Open: {link}"
    ),
    "alert_callback": (
        "notifier: {first_name} ({external_id}) asked for a call back ({time}). "
        "Please reach out. Open: {link}"
    ),
    "alert_medical": (
        "notifier: {first_name} ({external_id}) reported a medical emergency at {time} and was "
        "told to call 911. Call now. Open: {link}"
    ),
    "alert_violence": (
        "notifier: {first_name} ({external_id}) wrote about harming someone ({time}). "
        "Clinician call now (duty to warn). Open: {link}"
    ),
    "alert_safety": (
        "notifier: {first_name} ({external_id}) may not be safe at home ({time}). Discreet: "
        "call, don't text. Open: {link}"
    ),
    "alert_medication": (
        "notifier: {first_name} ({external_id}): medication interrupted ({time}). A task for "
        "the prescriber today. Open: {link}"
    ),
    "alert_naloxone": (
        "notifier: {first_name} ({external_id}) needs a same-day contact about supplies "
        "({time}). Open: {link}"
    ),
    "alert_pregnancy": (
        "notifier: {first_name} ({external_id}) needs a nurse's call today ({time}). Open: {link}"
    ),
    "alert_wrong_number": (
        "notifier: {first_name} ({external_id}): wrong number? ({time}) Texts stopped; update "
        "the roster. Open: {link}"
    ),
    "alert_unknown": (
        "notifier: urgent message from a number not on the roster at {time}; they got a 988/911 "
        "text. Number: {link}"
    ),
    "alert_undelivered": (
        "notifier: {first_name} ({external_id}) did NOT get the 988/911 text of {time} "
        "({reason}). Call now. Open: {link}"
    ),
    "alert_message": (
        "notifier: {first_name} ({external_id}) sent another message ({time}); the alert is "
        "still open. Open: {link}"
    ),
    "alert_escalated": (
        "notifier: NOT YET ANSWERED after {after}: {first_name} ({external_id}) needs a "
        "call now (urgent, {time}). Open: {link}"
    ),
    "alert_overdue": (
        "notifier: no outcome yet for {first_name} ({external_id}): {kind} alert of {time}, "
        "due by {due}. Open: {link}"
    ),
    "alert_retry": (
        "notifier: next try due: {first_name} ({external_id}), {kind} alert of {time} (last: "
        "{outcome}). Open: {link}"
    ),
    "alert_held": (
        "notifier: {count} more urgent message(s) from unknown numbers since {time} were "
        "not alerted one by one (limit {limit} an hour). See: notifier replies"
    ),
    # Spoken by a voice call (Twilio <Say>): no name, no health details.
    "call_alert": (
        "This is notifier. An urgent alert is waiting for a call back. Please open the link in "
        "your text messages now. Again: an urgent alert is waiting for a call back."
    ),
}
