"""The Spanish texts, written with their accents: GSM-7 carries é, ñ, ¿, ¡ and ü, and the
others (á, í, ó, ú) are folded when a text is rendered (notifier/outbound/gsm.py), so a text
stays one plain SMS. Wording avoids the forms that change meaning without their accent: no
future tense ("contactará" would read "contactara", a past subjunctive), no "está" (it would
read "esta", this).

988 in Spanish: call 988 and press 2, or text the word AYUDA to 988; the program's own help
keyword is INFO (AYUDA sent to this number within a day of a risk reply is answered with how to
reach 988). "Cravings" is "ansias", the word NIDA and Kaiser Permanente use in Spanish
("antojos" usually means food in Mexican Spanish); see docs/texts.md for the sources.
"""

from __future__ import annotations

CLIENT: dict[str, str] = {
    "reminder_group": (
        "Hola {first_name}, le recordamos: su grupo se reúne {when}{at_place}. "
        "Responda 1 para confirmar o 2 si no puede asistir."
    ),
    "reminder_individual": (
        "Hola {first_name}, le recordamos su cita {when}{at_place}. "
        "Responda 1 para confirmar o 2 si no puede asistir."
    ),
    "reminder_family": (
        "Hola {first_name}, le recordamos su sesión familiar {when}{at_place}. "
        "Responda 1 para confirmar o 2 si no puede asistir."
    ),
    "reminder_workshop": (
        "Hola {first_name}, le recordamos su taller {when}{at_place}. "
        "Responda 1 para confirmar o 2 si no puede asistir."
    ),
    "reminder_support": (
        "{program_name}: le recordamos la sesión familiar con {first_name} {when}{at_place}."
    ),
    "checkin": "Hola {first_name}, una pregunta rápida: {question}",
    "welcome": (
        "Hola {first_name}, le escribe {program_name}: recordatorios de reuniones y preguntas "
        "breves algunas veces por semana. Los mensajes no se leen las 24 horas. Si corre "
        "peligro, llame al 911; para hablar, 988 (oprima 2). INFO para ayuda, BAJA para salir."
    ),
    "opt_out_confirm": (
        "{program_name}: se ha dado de baja y ya no le llegan mensajes de este número. "
        "Responda START para volver a recibirlos."
    ),
    "opt_in_confirm": (
        "{program_name}: Hola {first_name}, los mensajes vuelven a llegar. Responda BAJA para "
        "darse de baja o INFO para ayuda."
    ),
    "help": (
        "{program_name}: los mensajes no se leen las 24 horas. Llame al {program_phone}, "
        "{hours}. Si corre peligro: 911. Para hablar: 988, oprima 2. BAJA para salir. "
        "Pueden aplicarse tarifas."
    ),
    "crisis": (
        "{first_name}, llame al 988 y oprima 2, o mande AYUDA al 988, a cualquier hora. Si "
        "corre peligro, llame al 911. {team}"
    ),
    "crisis_urgent": (
        "{first_name}, llame al 911 ahora, o pida a alguien cerca que llame. Luego: 988, "
        "oprima 2. {team}"
    ),
    "overdose": (
        "{first_name}, llame al 911 ahora. Si alguien no despierta o no respira, quédese a su "
        "lado. {naloxone}Luego: 988, oprima 2. {team}"
    ),
    "medical": "{first_name}, llame al 911 ahora y quédese donde le puedan encontrar. {team}",
    "withdrawal": (
        "{first_name}, si hay convulsiones, confusión o dolor de pecho, llame al 911 ahora. {team}"
    ),
    "violence": (
        "Gracias por contarnos, {first_name}. {team} Si alguien corre peligro ahora: 911."
    ),
    "safety": "Recibido, {first_name}. {team}",
    "safety_urgent": "Recibido, {first_name}. {team} Si corre peligro ahora, llame al 911.",
    "concern": ("Gracias por contarnos, {first_name}. {team} Para hablar ahora: 988, oprima 2."),
    "followup": (
        "Recibimos sus mensajes, {first_name}. El personal de guardia ya lo sabe. Llame al 988 "
        "y oprima 2 ahora: no tiene que esperarnos. Si corre peligro, llame al 911."
    ),
    "risk_help": (
        "{first_name}, para hablar ahora mande la palabra AYUDA al 988, no a este número, o "
        "llame al 988 y oprima 2. Si corre peligro: 911. {team}"
    ),
    "unknown_crisis": (
        "Si corre peligro ahora, llame al 911. Para hablar con alguien: llame al 988 y oprima "
        "2, o mande AYUDA al 988, a cualquier hora."
    ),
    "callback": "Gracias, {first_name}. {team} Si es urgente: 988, oprima 2, o mande AYUDA al 988.",
    "medication": "Gracias, {first_name}. {team}",
    "naloxone": (
        "Gracias, {first_name}. {team} Se vende sin receta en farmacias. Si alguien no "
        "despierta: 911."
    ),
    "pregnancy": "Gracias por contarnos, {first_name}. {team}",
    "life_event": (
        "Gracias por contarnos, {first_name}. Su consejero lo va a leer antes de su próxima "
        "reunión."
    ),
    "wrong_number": "Disculpe la molestia. Ya no vamos a mandar mensajes a este número.",
    "use_ack": (
        "Gracias por su honestidad, {first_name}. Es importante, y cuenta con nosotros. Podemos "
        "hablarlo en su próxima reunión."
    ),
    "ack": "Gracias, {first_name}, recibimos su {score}. {skill}",
    "ack_high": (
        "Gracias, {first_name}, recibimos su {score}. {skill} Para hablar con alguien ahora: "
        "988, oprima 2."
    ),
    "ack_confirm": "Gracias, {first_name}, le esperamos {when}.",
    "ack_decline": "Gracias por avisarnos, {first_name}. Anotamos que no viene {when}.",
    "team": "Ya avisamos a nuestro equipo.",
    "team_when": "Alguien del equipo le va a contactar {when}.",
    "team_about": "Alguien del equipo le va a contactar {when} sobre esto.",
    "team_discreet": "Le contactamos {when}.",
    "team_counselor": "Alguien del equipo le va a llamar lo antes posible.",
    "naloxone_line": "Si tiene naloxona, úsela ya. ",
}

QUESTIONS: dict[str, str] = {
    "cravings": "¿Qué tan fuertes son las ansias hoy, del 0 al 10? Responda con un número.",
    "stress": "¿Cuánto estrés ha tenido hoy, del 0 al 10? Responda con un número.",
    "mood": "¿Qué tal su ánimo hoy, de 0 (bajo) a 10 (muy bien)? Responda con un número.",
}
