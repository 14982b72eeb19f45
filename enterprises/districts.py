"""The districts and counties of the register in English.

The register records a district as the bureau writes it, in Chinese (`Enterprise.district`,
and the import files' `district` column). An English page shows the English name from this
list; a district not in it is shown as recorded. Benxi's six (the official names and the
short ones in common use, which the demo records).
"""

from django.utils.translation import get_language

ENGLISH = {
    "平山区": "Pingshan District",
    "溪湖区": "Xihu District",
    "明山区": "Mingshan District",
    "南芬区": "Nanfen District",
    "本溪满族自治县": "Benxi Manchu Autonomous County",
    "本溪县": "Benxi County",
    "桓仁满族自治县": "Huanren Manchu Autonomous County",
    "桓仁县": "Huanren County",
}


def display(district: str) -> str:
    """The district in the user's language: its English name on an English page."""
    if district and (get_language() or "").startswith("en"):
        return ENGLISH.get(district.strip(), district)
    return district


def recorded_names(text: str) -> list[str]:
    """The recorded (Chinese) names whose English name contains `text`, for the filter."""
    needle = text.strip().casefold()
    if not needle:
        return []
    return [name for name, english in ENGLISH.items() if needle in english.casefold()]
