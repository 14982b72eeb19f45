"""Enterprises, audits, events, policies and incentives to test the office's registers with."""

import datetime
from decimal import Decimal

import pytest

from audits.models import Audit
from enterprises.models import Enterprise
from programme.models import Incentive, Policy, TrainingEvent, TrainingParticipation


@pytest.fixture
def enterprises(db) -> dict[str, Enterprise]:
    return {
        code: Enterprise.objects.create(
            code=code, name=name, name_en=name_en, sector="iron_steel", state_large_medium=True
        )
        for code, name, name_en in [
            ("E-1", "溪城钢铁厂", "Xicheng Steel"),
            ("E-2", "本溪水泥厂", "Benxi Cement"),
        ]
    }


@pytest.fixture
def audits(enterprises) -> dict[str, Audit]:
    return {
        "A-1": Audit.objects.create(
            ref="A-1", enterprise=enterprises["E-1"], started_on=datetime.date(1998, 3, 1)
        ),
        "A-2": Audit.objects.create(
            ref="A-2", enterprise=enterprises["E-2"], started_on=datetime.date(1999, 3, 1)
        ),
    }


@pytest.fixture
def make_event(db):
    def make(title="审核方法培训班", held_on=datetime.date(1999, 4, 15), people=(), **fields):
        values = {
            "kind": "training",
            "audience": "enterprises",
            "hours": Decimal("16"),
            "other_participants": 0,
        } | fields
        event = TrainingEvent.objects.create(title=title, held_on=held_on, **values)
        for enterprise, count in people:
            TrainingParticipation.objects.create(
                event=event, enterprise=enterprise, participants=count
            )
        return event

    return make


@pytest.fixture
def policy(db) -> Policy:
    return Policy.objects.create(
        title="本溪市清洁生产奖励办法",
        level="municipal",
        issuer="本溪市人民政府",
        number="本政发〔1998〕40号",
        issued_on=datetime.date(1998, 11, 5),
        kind="reward",
    )


@pytest.fixture
def make_incentive(enterprises):
    def make(enterprise="E-1", **fields):
        values = {
            "kind": "reward",
            "amount_10k_yuan": Decimal("5"),
            "granted_on": datetime.date(1999, 12, 20),
        } | fields
        return Incentive.objects.create(enterprise=enterprises[enterprise], **values)

    return make
