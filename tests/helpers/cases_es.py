"""Spanish rows of the reply-classification contract, in the same tables as English: many
clients write in Spanish (often without accents or n), and opt-out, crisis and scores must work
the same. test_classify.py runs every language's rows through the same tests."""

from __future__ import annotations

from tests.helpers.cases import C, R, case

OPT_OUT_KEYWORDS = [
    case("es_optout_baja", "BAJA", "opt_out"),
    case("es_optout_baja_period", "baja.", "opt_out"),
    case("es_optout_baja_por_favor", "Baja por favor", "opt_out"),
    case("es_optout_por_favor_baja", "por favor baja", "opt_out"),
    case("es_optout_baja_gracias", "BAJA gracias", "opt_out"),
    case("es_optout_parar", "PARAR", "opt_out"),
    case("es_optout_parar_bangs", "\u00a1parar!!", "opt_out"),
    case("es_optout_cancelar", "Cancelar", "opt_out", prompts=R),
    case("es_optout_detener", "DETENER", "opt_out"),
    case("es_optout_when_opted_out", "BAJA", "opt_out", opted_out=True),
]

OPT_OUT_PLAIN_LANGUAGE = [
    case("es_optout_dar_de_baja", "dar de baja", "opt_out"),
    case("es_optout_quiero_darme_de_baja", "quiero darme de baja", "opt_out"),
    case("es_optout_ya_no_quiero_mensajes", "ya no quiero mensajes", "opt_out"),
    case("es_optout_ya_no_quiero_recibir", "Ya no quiero recibir mensajes, gracias", "opt_out"),
    case("es_optout_no_me_manden_mas", "no me manden m\u00e1s mensajes", "opt_out"),
    case("es_optout_no_me_manden_sin_acento", "no me manden mas mensajes", "opt_out"),
    case("es_optout_dejen_de_escribirme", "dejen de escribirme", "opt_out"),
    case("es_optout_no_quiero_recibir_mensajes", "no quiero recibir mensajes", "opt_out"),
    case("es_optout_dejame_en_paz_whole_message", "d\u00e9jame en paz", "opt_out"),
    case("es_optout_sacenme_de_la_lista", "s\u00e1quenme de la lista", "opt_out"),
]

NOT_OPT_OUT = [
    case(
        "es_not_optout_no_puedo_parar",
        "no puedo parar de pensar en consumir",
        "free_text",
        prompts=C,
    ),
    case("es_not_optout_ansiedad_baja", "la ansiedad est\u00e1 baja hoy", "free_text"),
    case("es_not_optout_dieron_de_baja", "me dieron de baja en el trabajo", "free_text"),
    case("es_not_optout_parar_en_la_tienda", "voy a parar en la tienda", "free_text"),
    case("es_not_optout_dejar_de_consumir", "quiero dejar de consumir", "free_text"),
    case("es_not_optout_ex_no_deja_de_escribirme", "mi ex no deja de escribirme", "free_text"),
    case("es_not_optout_no_quiero_que_dejen", "no quiero que dejen de escribirme", "free_text"),
    case("es_not_optout_cancelar_la_cita", "cancelar la cita", "decline", prompts=R),
]

HELP = [
    case("es_help_ayuda", "AYUDA", "help"),
    case("es_help_ayuda_por_favor", "ayuda por favor", "help"),
    # Changed: "necesito ayuda" is a plea to a person (callback signal), not the AYUDA keyword.
    case("es_not_help_necesito_ayuda_is_a_plea", "necesito ayuda", "free_text"),
    case("es_help_when_opted_out", "Ayuda", "help", opted_out=True),
]

CRISIS = [
    case("es_crisis_quiero_morir", "quiero morir", "crisis"),
    case("es_crisis_me_quiero_morir", "me quiero morir", "crisis"),
    case("es_crisis_matarme", "voy a matarme", "crisis"),
    case("es_crisis_suicidarme", "quiero suicidarme", "crisis"),
    case("es_crisis_suicidio", "pienso en el suicidio", "crisis"),
    case("es_crisis_quitarme_la_vida", "quiero quitarme la vida", "crisis"),
    case("es_crisis_hacerme_dano", "quiero hacerme da\u00f1o", "crisis"),
    case("es_crisis_hacerme_dano_sin_ene", "quiero hacerme dano", "crisis"),
    case("es_crisis_sobredosis", "tuve una sobredosis", "crisis"),
    case("es_crisis_sobredosis_shouting", "SOBREDOSIS!!", "crisis"),
    case("es_crisis_no_quiero_vivir", "ya no quiero vivir", "crisis"),
    # Changed: "ya no puedo más" is hopelessness (concern), not crisis.
    case("es_concern_ya_no_puedo_mas", "ya no puedo m\u00e1s", "concern"),
    case("es_crisis_from_opted_out_client", "me quiero morir", "crisis", opted_out=True),
    # Changed: the score is recorded on a crisis too when a check-in is open.
    case("es_crisis_beats_score", "un 9, quiero morir", "crisis", 9, prompts=C),
    case("es_crisis_with_baja", "quiero morir. BAJA", "crisis"),
]

NOT_CRISIS = [
    case("es_not_crisis_me_muero_de_risa", "me muero de risa", "free_text"),
    case(
        "es_not_crisis_trafico_me_esta_matando", "el tr\u00e1fico me est\u00e1 matando", "free_text"
    ),
    case("es_not_crisis_me_muero_por_verte", "me muero por verte", "free_text"),
    case("es_not_crisis_me_mata_el_calor", "me mata el calor", "free_text"),
]

REMINDER = [
    case("es_confirm_si_accent", "s\u00ed", "confirm", prompts=R),
    case("es_confirm_si", "si", "confirm", prompts=R),
    case("es_confirm_si_ahi_estare", "S\u00ed, ah\u00ed estar\u00e9", "confirm", prompts=R),
    case("es_confirm_confirmo", "confirmo", "confirm", prompts=R),
    case("es_confirm_ahi_estare", "ah\u00ed estar\u00e9", "confirm", prompts=R),
    case("es_confirm_alli_estare", "all\u00ed estar\u00e9", "confirm", prompts=R),
    case("es_confirm_nos_vemos", "nos vemos", "confirm", prompts=R),
    case("es_confirm_claro_que_si", "\u00a1claro que s\u00ed!", "confirm", prompts=R),
    case("es_confirm_si_puedo_ir", "s\u00ed puedo ir", "confirm", prompts=R),
    case("es_decline_no", "no", "decline", prompts=R),
    case("es_decline_no_puedo_ir", "no puedo ir", "decline", prompts=R),
    case("es_decline_no_voy_a_poder", "no voy a poder", "decline", prompts=R),
    case("es_decline_no_podre_ir", "no podr\u00e9 ir", "decline", prompts=R),
    case("es_decline_no_puedo_asistir", "no puedo asistir", "decline", prompts=R),
    case("es_decline_lo_siento", "lo siento, no puedo ir hoy", "decline", prompts=R),
    case("es_decline_estoy_enfermo", "estoy enfermo", "decline", prompts=R),
    case("es_not_decline_late", "no puedo llegar a tiempo", "free_text", prompts=R),
    case("es_si_does_not_resume_opted_out", "s\u00ed", "free_text", opted_out=True, prompts=R),
]

CHECKIN = [
    case("es_score_siete", "siete", "checkin_answer", 7, prompts=C),
    case("es_score_siete_capital_period", "Siete.", "checkin_answer", 7, prompts=C),
    case("es_score_un_6", "un 6", "checkin_answer", 6, prompts=C),
    case("es_score_como_8", "como 8", "checkin_answer", 8, prompts=C),
    case("es_score_cero", "cero", "checkin_answer", 0, prompts=C),
    case("es_score_diez", "diez", "checkin_answer", 10, prompts=C),
    case("es_score_nueve", "nueve", "checkin_answer", 9, prompts=C),
    case("es_score_como_un_7_hoy", "como un 7 hoy", "checkin_answer", 7, prompts=C),
    case("es_score_7_de_10", "7 de 10", "checkin_answer", 7, prompts=C),
    case("es_score_entre_7_y_8", "entre 7 y 8", "checkin_answer", 8, prompts=C),
    case("es_score_7_o_8", "7 o 8", "checkin_answer", 8, prompts=C),
    case("es_score_mas_o_menos_5", "m\u00e1s o menos 5", "checkin_answer", 5, prompts=C),
    case("es_score_word_range", "seis o siete", "checkin_answer", 7, prompts=C),
    case("es_out_of_range_doce", "doce", "free_text", prompts=C),
    case("es_out_of_range_12", "un 12", "free_text", prompts=C),
    case("es_not_score_dos_hijos", "2 hijos enfermos", "free_text", prompts=C),
]
