from django.urls import path

from wuxing.contest import views

app_name = "contest"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.district, name="district"),
    path("<int:pk>/offices/<int:office>/", views.office, name="office"),
    path("<int:pk>/matrix/", views.matrix, name="matrix"),
    path("<int:pk>/branches/<int:branch>/", views.branch, name="branch"),
    path("<int:pk>/rankings/", views.rankings, name="rankings"),
    path("<int:pk>/flags/", views.flags, name="flags"),
    path("<int:pk>/flags/confer/", views.flag_confer, name="flag_confer"),
    path("flags/<int:pk>/revoke/", views.flag_revoke, name="flag_revoke"),
    path("<int:pk>/pairings/", views.pairings, name="pairings"),
    path("<int:pk>/pairings/new/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/", views.pairing_detail, name="pairing"),
    path("<int:pk>/highlights/", views.highlights, name="highlights"),
    path("<int:pk>/highlights/new/", views.highlight_create, name="highlight_create"),
    path("highlights/<int:pk>/", views.highlight_detail, name="highlight"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("<int:pk>/sanctions/", views.sanctions, name="sanctions"),
    path("<int:pk>/contests/", views.contests, name="contests"),
    path("<int:pk>/contests/new/", views.contest_create, name="contest_create"),
    path("contests/<int:pk>/", views.contest_detail, name="contest"),
    path("contests/<int:pk>/judges/<int:judge>/", views.contest_score, name="contest_score"),
]
