"""English rows of the reply-classification contract (the table is the spec: rules in
notifier/understanding, words in notifier/understanding/lexicons/en.toml). Each row is (body,
opted_out, open_prompts, expected_category, expected_score) with an id that says what it
proves; test_classify.py runs every language's rows through the same tests."""

from __future__ import annotations

from tests.helpers.cases import CR, RC, C, R, case

CRISIS = [
    case("crisis_i_want_to_die", "I want to die", "crisis"),
    case("crisis_kill_myself", "I'm going to kill myself", "crisis"),
    case("crisis_killing_myself", "been thinking about killing myself tonight", "crisis"),
    case("crisis_suicide", "suicide", "crisis"),
    case("crisis_im_suicidal", "I'm suicidal", "crisis"),
    case("crisis_end_my_life", "I just want to end my life", "crisis"),
    case("crisis_end_it_all", "gonna end it all", "crisis"),
    case("crisis_hurt_myself", "I want to hurt myself", "crisis"),
    case("crisis_cutting_myself", "been cutting myself again", "crisis"),
    case("crisis_self_harm_hyphenated", "self-harm urges are bad", "crisis"),
    case("crisis_overdose_shouting", "OVERDOSE!!", "crisis"),
    case("crisis_odd_with_apostrophe", "i think i OD'd, everything is spinning", "crisis"),
    case("crisis_odd_curly_apostrophe", "I OD\u2019d", "crisis"),
    case("crisis_took_too_many_pills", "took too many pills", "crisis"),
    case("crisis_no_reason_to_live", "there's no reason to live", "crisis"),
    case("crisis_better_off_dead", "I'm better off dead", "crisis"),
    # Changed with the new policy: "can't go on" is hopelessness (concern), not crisis, by the
    # rules (test_twentyfifth_round); since the model retrained in the twenty-fifth round the
    # backstop raises the bare line to crisis, as README says it may over an open concern rule
    # ("crisis when unsure": the safe error).
    case("crisis_model_over_cant_go_on", "i cant go on like this", "crisis"),
    # Changed: "kill me" alone is hyperbole-or-not: concern ("kill myself" stays crisis).
    case("concern_grey_area_kill_me", "ugh kill me", "concern"),
    case("crisis_grey_area_want_to_die_lol", "want to die lol", "crisis"),
    # Changed: a denial that names the risk is a concern (same-day follow-up), not a crisis.
    case("concern_denial_names_risk", "I'm not suicidal, just tired", "concern"),
    case("crisis_from_opted_out_client", "I want to die", "crisis", opted_out=True),
    # Changed: the score is recorded on a crisis too when a check-in is open.
    case("crisis_beats_checkin_score", "8/10 and I want to die", "crisis", 8, prompts=C),
    case("crisis_beats_confirm", "yes. took too many pills", "crisis", prompts=R),
    case("crisis_beats_help_keyword", "HELP I overdosed", "crisis"),
    case("crisis_with_emoji", "i want to die \U0001f62d\U0001f62d", "crisis"),
    case("crisis_fullwidth_letters", "\uff33\uff35\uff29\uff23\uff29\uff24\uff25", "crisis"),
    case("crisis_plus_stop_texting_me", "stop texting me, i want to die", "crisis"),
    case(
        "crisis_deep_in_long_text",
        "long day at work, my boss yelled, group was ok but honestly I want to end my life",
        "crisis",
        prompts=C,
    ),
]

NOT_CRISIS = [
    case("not_crisis_traffic_is_killing_me", "this traffic is killing me", "free_text"),
    case("not_crisis_dying_to_see_you", "dying to see you", "free_text"),
    case("not_crisis_could_kill_for_a_coffee", "I could kill for a coffee", "free_text"),
    case("not_crisis_odd_is_not_od", "that's odd", "free_text"),
    case("not_crisis_killed_it", "killed it at work today", "free_text"),
    case("not_crisis_phone_died", "my phone died", "free_text"),
    case("not_crisis_kill_and_me_in_two_sentences", "I could kill. Me and my sis", "free_text"),
]

OPT_OUT_KEYWORDS = [
    case("optout_stop", "STOP", "opt_out"),
    case("optout_stop_period", "Stop.", "opt_out"),
    case("optout_stop_please", "STOP please", "opt_out"),
    case("optout_stop_thank_you", "stop, thank you", "opt_out"),
    case("optout_please_stop", "please stop", "opt_out"),
    case("optout_stop_bangs", "STOP!!!", "opt_out"),
    case("optout_stop_now", "stop now", "opt_out"),
    case("optout_stop_emoji", "stop \U0001f6d1", "opt_out"),
    case("optout_stop_repeated", "stop stop stop", "opt_out"),
    case("optout_stopall", "STOPALL", "opt_out"),
    case("optout_stop_all", "Stop all", "opt_out"),
    case("optout_unsubscribe", "Unsubscribe", "opt_out"),
    case("optout_unsubscribe_bang", "unsubscribe!", "opt_out"),
    case("optout_cancel", "CANCEL", "opt_out"),
    case("optout_cancel_quoted", '"cancel"', "opt_out"),
    case("optout_end", "END", "opt_out"),
    case("optout_end_period", "end.", "opt_out"),
    case("optout_quit", "Quit", "opt_out"),
    case("optout_quit_please", "quit please", "opt_out"),
    case("optout_revoke", "REVOKE", "opt_out"),
    case("optout_optout", "OPTOUT", "opt_out"),
    case("optout_opt_space_out", "opt out", "opt_out"),
    case("optout_opt_hyphen_out", "Opt-Out!", "opt_out"),
    case("optout_beats_open_reminder", "STOP", "opt_out", prompts=R),
    case("optout_beats_open_checkin", "Stop", "opt_out", prompts=C),
    case("optout_again_when_already_opted_out", "STOP", "opt_out", opted_out=True),
    case("optout_keyword_as_last_sentence", "Thanks for everything. STOP", "opt_out"),
    case("optout_keyword_as_first_sentence", "STOP. who is this", "opt_out"),
    case("optout_zero_width_space_inside", "S\u200bTOP", "opt_out"),
    case("optout_fullwidth_letters", "\uff33\uff34\uff2f\uff30", "opt_out"),
    case("optout_math_bold_letters", "\U0001d412\U0001d413\U0001d40e\U0001d40f", "opt_out"),
    case("optout_nul_byte", "STOP\x00", "opt_out"),
]

OPT_OUT_PLAIN_LANGUAGE = [
    case("optout_no_more_texts", "no more texts", "opt_out"),
    case("optout_no_more_messages", "No more messages please", "opt_out"),
    case("optout_stop_texting_me", "stop texting me", "opt_out"),
    case("optout_stop_sending_me_messages", "Stop sending me messages", "opt_out"),
    case("optout_please_unsubscribe_me", "please unsubscribe me", "opt_out"),
    case("optout_take_me_off_your_list", "take me off your list", "opt_out"),
    case("optout_remove_me_from_this_list", "Remove me from this list.", "opt_out"),
    case("optout_dont_text_me_anymore", "don't text me anymore", "opt_out"),
    case("optout_dont_text_me_curly_apostrophe", "don\u2019t text me anymore", "opt_out"),
    case("optout_leave_me_alone_whole_message", "just leave me alone!!", "opt_out"),
    case("optout_asks_you_to_stop", "I need you to stop texting me", "opt_out"),
    case("optout_how_do_i_unsubscribe", "how do i unsubscribe?", "opt_out"),
    case(
        "optout_inside_longer_text",
        "I appreciate it but I don't want these texts anymore",
        "opt_out",
        prompts=R,
    ),
]

NOT_OPT_OUT = [
    case("not_optout_cant_stop_thinking", "I can't stop thinking about using", "free_text"),
    case("not_optout_stop_by_later", "stop by later?", "free_text", prompts=R),
    case("not_optout_bus_didnt_stop", "the bus didn't stop", "free_text"),
    case("not_optout_quit_drinking", "I want to quit drinking", "free_text"),
    case("not_optout_end_of_the_week", "end of the week is hard", "free_text", prompts=C),
    case("not_optout_i_quit_goes_to_a_person", "I quit", "free_text"),
    # Changed: "end it" alone is ambiguous risk language: concern (still not an opt-out).
    case("not_optout_end_it_is_concern", "end it", "concern"),
    case("not_optout_dealer_wont_stop_texting", "my dealer won't stop texting me", "free_text"),
    case("not_optout_dont_stop_texting", "please don't stop texting me, it helps", "free_text"),
    case("not_optout_reported_speech", "told him to stop texting me", "free_text"),
    case("not_optout_leave_me_alone_in_sentence", "my family won't leave me alone", "free_text"),
    case(
        "not_optout_stop_also_used_in_prose", "Stop. I can't stop thinking about using", "free_text"
    ),
    case("not_optout_stop_sentence_with_plea", "Stop. Please help me", "free_text"),
    case("not_optout_cancel_my_appointment", "cancel my appointment", "decline", prompts=R),
]

OPT_IN = [
    case("optin_start_when_opted_out", "START", "opt_in", opted_out=True),
    case("optin_unstop_when_opted_out", "unstop", "opt_in", opted_out=True),
    case("optin_yes_when_opted_out", "YES", "opt_in", opted_out=True, prompts=R),
    case("optin_start_please_when_opted_out", "Start please!", "opt_in", opted_out=True),
    case("optin_start_ignored_when_not_opted_out", "START", "free_text"),
    case("optin_yes_when_not_opted_out_is_confirm", "YES", "confirm", prompts=R),
    case("opted_out_1_never_resumes", "1", "free_text", opted_out=True, prompts=R),
    case("opted_out_sure_never_resumes", "sure", "free_text", opted_out=True, prompts=R),
    case("opted_out_score_is_free_text", "7", "free_text", opted_out=True, prompts=C),
]

HELP = [
    case("help_keyword", "HELP", "help"),
    case("help_question_mark", "help?", "help"),
    case("help_info", "INFO", "help"),
    case("help_when_opted_out", "help", "help", opted_out=True),
    case("help_beats_open_reminder", "Help", "help", prompts=R),
    # Changed: "I need help" is a plea to a person (callback signal), not the HELP keyword.
    case("not_help_i_need_help_is_a_plea", "I need help", "free_text"),
]

REMINDER = [
    case("confirm_1", "1", "confirm", prompts=R),
    case("confirm_c", "C", "confirm", prompts=R),
    case("confirm_yes", "yes", "confirm", prompts=R),
    case("confirm_y", "y", "confirm", prompts=R),
    case("confirm_yep", "yep", "confirm", prompts=R),
    case("confirm_yeah", "Yeah!", "confirm", prompts=R),
    case("confirm_ok", "ok", "confirm", prompts=R),
    case("confirm_confirm", "confirm", "confirm", prompts=R),
    case("confirm_confirmed", "Confirmed, thanks!", "confirm", prompts=R),
    case("confirm_ill_be_there", "I'll be there", "confirm", prompts=R),
    case("confirm_see_you_there", "see you there", "confirm", prompts=R),
    case("confirm_see_you_tonight", "See you tonight!", "confirm", prompts=R),
    case("confirm_will_be_there", "will be there", "confirm", prompts=R),
    case("confirm_on_my_way", "on my way", "confirm", prompts=R),
    case("confirm_see_you_at_a_time", "see you at 6:30pm", "confirm", prompts=R),
    case("confirm_thumbs_up_emoji", "\U0001f44d\U0001f3fd", "confirm", prompts=R),
    case("confirm_yes_running_late", "yes, running a bit late", "confirm", prompts=R),
    case("confirm_late_but_on_my_way", "running late but on my way", "confirm", prompts=R),
    case(
        "confirm_late_on_time_is_not_decline",
        "can't make it on time but I'll be there",
        "confirm",
        prompts=R,
    ),
    case("decline_2", "2", "decline", prompts=R),
    case("decline_no", "no", "decline", prompts=R),
    case("decline_nope", "nope", "decline", prompts=R),
    case("decline_cant_make_it", "can't make it", "decline", prompts=R),
    case("decline_cannot_make_it", "cannot make it", "decline", prompts=R),
    case("decline_i_cant_come", "I can't come", "decline", prompts=R),
    case("decline_wont_be_there", "won't be there", "decline", prompts=R),
    case("decline_not_coming", "not coming tonight", "decline", prompts=R),
    case("decline_im_sick", "I'm sick", "decline", prompts=R),
    case("decline_sorry_sick_today", "Sorry, I'm sick today", "decline", prompts=R),
    case("decline_yes_but_cant", "yes but I can't make it", "decline", prompts=R),
    case("decline_thumbs_down_emoji", "\U0001f44e", "decline", prompts=R),
    case("not_decline_running_late", "running late", "free_text", prompts=R),
    case("not_confirm_hedged", "not sure I'll be there", "free_text", prompts=R),
    case("ambiguous_1_reminder_most_recent", "1", "confirm", prompts=RC),
    case("ambiguous_1_checkin_most_recent", "1", "checkin_answer", 1, prompts=CR),
    case("ambiguous_2_reminder_most_recent", "2", "decline", prompts=RC),
    case("ambiguous_2_checkin_most_recent", "2", "checkin_answer", 2, prompts=CR),
    case("fallback_see_you_there_older_reminder", "see you there", "confirm", prompts=CR),
    case("fallback_score_older_checkin", "7/10", "checkin_answer", 7, prompts=RC),
    case("yes_with_only_checkin_open", "yes", "free_text", prompts=C),
    case("no_prompt_1_is_free_text", "1", "free_text"),
    case("no_prompt_yes_is_free_text", "yes", "free_text"),
    case("no_prompt_7_is_free_text", "7", "free_text"),
]

CHECKIN = [
    case("score_7", "7", "checkin_answer", 7, prompts=C),
    case("score_7_slash_10", "7/10", "checkin_answer", 7, prompts=C),
    case("score_7_out_of_10", "7 out of 10", "checkin_answer", 7, prompts=C),
    case("score_a_6", "a 6", "checkin_answer", 6, prompts=C),
    case("score_like_8_bangs", "like 8!!", "checkin_answer", 8, prompts=C),
    case("score_about_a_5", "about a 5", "checkin_answer", 5, prompts=C),
    case("score_word_seven", "seven", "checkin_answer", 7, prompts=C),
    case("score_word_seven_capital_period", "Seven.", "checkin_answer", 7, prompts=C),
    case("score_10", "10", "checkin_answer", 10, prompts=C),
    case("score_0", "0", "checkin_answer", 0, prompts=C),
    case("score_word_zero", "zero", "checkin_answer", 0, prompts=C),
    case("score_word_ten", "ten", "checkin_answer", 10, prompts=C),
    case("score_its_a_4_today", "it's a 4 today", "checkin_answer", 4, prompts=C),
    case("score_prob_3", "prob 3", "checkin_answer", 3, prompts=C),
    case("score_with_free_text", "8/10 rough day", "checkin_answer", 8, prompts=C),
    case("score_after_free_text", "rough day, like a 7", "checkin_answer", 7, prompts=C),
    case("score_range_dash_takes_higher", "7-8", "checkin_answer", 8, prompts=C),
    case("score_range_or_takes_higher", "7 or 8", "checkin_answer", 8, prompts=C),
    case("score_ish", "7ish", "checkin_answer", 7, prompts=C),
    case("score_id_say", "I'd say a 6", "checkin_answer", 6, prompts=C),
    case("score_fullwidth_digit", "\uff17", "checkin_answer", 7, prompts=C),
    case("out_of_range_12", "12", "free_text", prompts=C),
    case("out_of_range_11_of_10", "11/10", "free_text", prompts=C),
    case("out_of_range_negative", "-3", "free_text", prompts=C),
    case("out_of_range_100", "100", "free_text", prompts=C),
    case("out_of_range_range_end", "9-11", "free_text", prompts=C),
    case("not_score_phone_number", "call me at 555 1234", "free_text", prompts=C),
    case("not_score_2_kids_sick", "2 kids sick", "free_text", prompts=C),
    case("not_score_time_6pm", "6pm", "free_text", prompts=C),
    case("not_score_clock_time", "at 6:30", "free_text", prompts=C),
    case("not_score_decimal", "7.5", "free_text", prompts=C),
]
