from django.urls import path

from wuxing.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("calendar/", views.activity_calendar, name="calendar"),
    path("new/", views.activity_create, name="create"),
    path("import/", views.activity_import, name="import"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/brief/", views.activity_brief, name="brief"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
