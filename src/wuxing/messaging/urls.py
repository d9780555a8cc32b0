from django.urls import path

from wuxing.messaging import views

app_name = "messaging"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("channels/", views.channels, name="channels"),
    path("channels/<int:pk>/", views.channel_action, name="channel_action"),
]
