"""Closure of a material (or water) balance: inputs against outputs, per unit."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from audits.choices import BalanceDirection

# Over this gap between inputs and outputs a balance is not trustworthy (DOMAIN.md).
CLOSURE_LIMIT_PCT = Decimal(5)


@dataclass(frozen=True)
class Closure:
    unit: str
    inputs: Decimal
    outputs: Decimal

    @property
    def gap(self) -> Decimal:
        """Inputs minus outputs: what the balance does not account for."""
        return self.inputs - self.outputs

    @property
    def gap_pct(self) -> Decimal | None:
        """|inputs − outputs| / inputs × 100, one decimal; None without inputs."""
        if self.inputs == 0:
            return None
        return (abs(self.gap) / self.inputs * 100).quantize(Decimal("0.1"))

    @property
    def flagged(self) -> bool:
        """True when the balance does not close within the limit (or has no inputs)."""
        gap = self.gap_pct
        if gap is None:
            return self.outputs != 0
        return gap > CLOSURE_LIMIT_PCT


def closures(lines: Iterable) -> list[Closure]:
    """One closure per unit, in the order units first appear; `lines` have
    `direction`, `quantity` and `unit` (model instances or anything alike)."""
    totals: dict[str, list[Decimal]] = {}
    for line in lines:
        unit = (line.unit or "").strip()
        pair = totals.setdefault(unit, [Decimal(0), Decimal(0)])
        index = 0 if line.direction == BalanceDirection.INPUT else 1
        pair[index] += Decimal(line.quantity)
    return [Closure(unit, inputs, outputs) for unit, (inputs, outputs) in totals.items()]
