from django.urls import path

from victimjourney.notifications import views

urlpatterns = [
    path("", views.supervise, name="notifications-supervise"),
    path("deliveries/<int:delivery_id>/retry/", views.retry, name="notifications-retry"),
    path("notify/callback/", views.notify_callback, name="notifications-notify-callback"),
]
