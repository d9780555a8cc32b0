import datetime as dt

import pytest

from tests.conftest import PASSWORD, SYSTEM
from wuxing.casefiles import rubric, services
from wuxing.casefiles.models import CaseFile, Matter
from wuxing.orgs import services as org
from wuxing.core.roles import Level, Role


@pytest.fixture
def review(world):
    """Two agencies with 20 files each, the sample rubric, a campaign, reviewers and a unit account."""
    for path in rubric.shipped():
        rubric.load(SYSTEM, path.read_bytes())
    a1 = org.create_unit(SYSTEM, parent=world.district, code="TA1", name="区市场监督管理局", level=Level.AGENCY)
    a2 = org.create_unit(SYSTEM, parent=world.district, code="TA2", name="区建设局", level=Level.AGENCY)
    a3 = org.create_unit(SYSTEM, parent=world.district, code="TA3", name="区司法局", level=Level.AGENCY)
    docs = ["申请书", "受理通知书", "许可决定书", "送达回证"]
    for unit, code in ((a1, "SC"), (a2, "JS")):
        m = Matter.objects.create(unit=unit, code=f"{code}-1", name=f"{unit.name}许可", category="licence",
                                  statutory_days=20, promised_days=10, required_documents=docs)
        for i in range(20):
            received = dt.date(2026, 3, 2) + dt.timedelta(days=i)
            CaseFile.objects.create(unit=unit, matter=m, file_no=f"{code}-{i:03d}", applicant="申请人", received=received,
                                    accepted=received, decided=received + dt.timedelta(days=14),
                                    served=received + dt.timedelta(days=15), published=received + dt.timedelta(days=15),
                                    archived=received + dt.timedelta(days=30), documents=docs)
    organiser = org.create_user(SYSTEM, username="organiser", real_name="评查组织者", mobile="", password=PASSWORD,
                                role=Role.CASEFILE_ORGANISER, unit=world.district)
    reviewers = [org.create_user(SYSTEM, username=f"rev{i}", real_name=f"评查员{i}", mobile="", password=PASSWORD,
                                 role=Role.CASEFILE_REVIEWER, unit=u) for i, u in enumerate((a1, a2, a3))]
    unit_user = org.create_user(SYSTEM, username="unit_a1", real_name="市场局联络员", mobile="", password=PASSWORD,
                                role=Role.REVIEWED_UNIT, unit=a1)
    campaign = services.create_campaign(organiser, unit=world.district, title="测试评查", rubric=rubric.Rubric.objects.get(),
                                        units=[a1, a2], closed_from=dt.date(2026, 1, 1), closed_to=dt.date(2026, 12, 31),
                                        plan={"TA1": {"count": 4}, "TA2": {"percent": "20", "min": 2}})
    for r in reviewers:
        services.add_reviewer(organiser, campaign, r)
    return type("Review", (), dict(a1=a1, a2=a2, a3=a3, organiser=organiser, reviewers=reviewers, unit_user=unit_user,
                                   campaign=campaign))
