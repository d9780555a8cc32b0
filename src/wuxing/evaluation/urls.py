from django.urls import path

from wuxing.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/queue/", views.queue, name="queue"),
    path("<int:pk>/notices/", views.notices, name="notices"),
    path("<int:pk>/awards/", views.awards, name="awards"),
    path("<int:pk>/branches/<int:branch>/", views.branch_page, name="branch"),
    path("<int:pk>/branches/<int:branch>/self/", views.self_save, name="self_save"),
    path("<int:pk>/branches/<int:branch>/preview/", views.self_preview, name="self_preview"),
    path("<int:pk>/branches/<int:branch>/claim/", views.claim, name="claim"),
    path("<int:pk>/branches/<int:branch>/office/<str:action>/", views.office_action, name="office_action"),
    path("<int:pk>/branches/<int:branch>/district/<str:action>/", views.district_action, name="district_action"),
    path("<int:pk>/branches/<int:branch>/evidence/", views.evidence_page, name="evidence"),
    path("<int:pk>/branches/<int:branch>/history/", views.history, name="history"),
    path("<int:pk>/vetoes/", views.vetoes, name="vetoes"),
    path("<int:pk>/branches/<int:branch>/vetoes/", views.veto_record, name="veto_record"),
    path("vetoes/<int:pk>/approve/", views.veto_approve, name="veto_approve"),
    path("vetoes/<int:pk>/revoke/", views.veto_revoke, name="veto_revoke"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("notices/<int:pk>/", views.notice_manage, name="notice"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("awards/<int:pk>/", views.award_page, name="award"),
    path("awards/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("removals/<int:pk>/reinstate/", views.reinstate, name="reinstate"),
]

public_urlpatterns = [
    path("", views.public_notices, name="public_notices"),
    path("<int:pk>/", views.public_notice, name="public_notice"),
    path("<int:pk>/qr/", views.public_notice_qr, name="public_notice_qr"),
]
