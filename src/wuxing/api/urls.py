"""API routers only; serializers and views live beside their app (app/api.py)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from wuxing.activities.api import ActivityViewSet, ParseView
from wuxing.casefiles.api import CaseFileViewSet, RectificationViewSet, ReviewCampaignViewSet, SheetView
from wuxing.contest.api import (
    ContestViewSet,
    DashboardView,
    FlagAwardViewSet,
    HighlightViewSet,
    PairingViewSet,
    RankingView,
    SanctionViewSet,
)
from wuxing.creation.api import CampaignViewSet, CommentViewSet, GapView, TargetViewSet, TaskViewSet
from wuxing.evaluation.api import (
    AwardViewSet,
    EvidenceViewSet,
    NoticeViewSet,
    ObjectionViewSet,
    SubmissionViewSet,
    VetoEventViewSet,
)
from wuxing.orgs.api import MeView, PasswordView, TokenView, UnitViewSet
from wuxing.standards.api import StandardViewSet
from wuxing.weekly.api import ComplianceView, ReportViewSet
from wuxing.workbench.api import TodoView

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("standards", StandardViewSet, basename="standard")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("targets", TargetViewSet, basename="target")
router.register("comments", CommentViewSet, basename="comment")
router.register("tasks", TaskViewSet, basename="task")
router.register("weekly-reports", ReportViewSet, basename="weekly-report")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("awards", AwardViewSet, basename="award")
router.register("veto-events", VetoEventViewSet, basename="veto-event")
router.register("notices", NoticeViewSet, basename="notice")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("highlights", HighlightViewSet, basename="highlight")
router.register("sanctions", SanctionViewSet, basename="sanction")
router.register("contests", ContestViewSet, basename="contest")
router.register("flags", FlagAwardViewSet, basename="flag")
router.register("activities", ActivityViewSet, basename="activity")
router.register("case-files", CaseFileViewSet, basename="case-file")
router.register("review-campaigns", ReviewCampaignViewSet, basename="review-campaign")
router.register("score-sheets", SheetView, basename="score-sheet")
router.register("rectifications", RectificationViewSet, basename="rectification")

v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("me/password/", PasswordView.as_view(), name="me-password"),
    path("me/todo/", TodoView.as_view(), name="me-todo"),
    path("gaps/", GapView.as_view(), name="gaps"),
    path("weekly-compliance/", ComplianceView.as_view(), name="weekly-compliance"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("rankings/", RankingView.as_view(), name="rankings"),
    path("activities/parse/", ParseView.as_view(), name="activity-parse"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file, so the page runs under our CSP with no inline code.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]
