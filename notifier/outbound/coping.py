"""Which coping skills an acknowledgement may carry: ones that fit the question answered.

For a check-in label, the first of these that applies:

1. ``NOTIFIER_COPING_SKILLS_BY_LABEL`` names skills for that label: those, in any language
   (staff who write their own skills write them for their clients);
2. ``NOTIFIER_COPING_SKILLS`` was changed from its default: that list (the fallback it always
   was, so a deployment that customised it keeps its own words);
3. the built-in skills for that label (cravings, stress, mood), in the client's language;
4. the built-in general list, in the client's language.
"""

from __future__ import annotations

from notifier.core.settings import Settings
from notifier.outbound.texts import DEFAULT_SKILLS_BY_LABEL, DEFAULT_SKILLS_ES


def skills_for(settings: Settings, label: str | None, language: str) -> tuple[str, ...]:
    configured = dict(settings.coping_skills_by_label)
    if label is not None and label in configured:
        return configured[label]
    general_default = settings.coping_skills == Settings.model_fields["coping_skills"].default
    if not general_default:
        return settings.coping_skills
    lang = "es" if language == "es" else "en"
    if label is not None and label in DEFAULT_SKILLS_BY_LABEL[lang]:
        return DEFAULT_SKILLS_BY_LABEL[lang][label]
    return DEFAULT_SKILLS_ES if lang == "es" else settings.coping_skills


def all_skills(settings: Settings) -> list[tuple[str, str]]:
    """(where, skill) for every skill an acknowledgement may carry, for check-templates."""
    found = [(f"NOTIFIER_COPING_SKILLS #{i}", s) for i, s in enumerate(settings.coping_skills, 1)]
    for label, skills in settings.coping_skills_by_label:
        found += [(f"NOTIFIER_COPING_SKILLS_BY_LABEL {label} #{i}", s)
                  for i, s in enumerate(skills, 1)]  # fmt: skip
    return found
