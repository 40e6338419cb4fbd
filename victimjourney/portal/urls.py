from django.urls import path

from victimjourney.portal import views

urlpatterns = [
    path("", views.start, name="portal-start"),
    path("sign-in/", views.sign_in, name="portal-sign-in"),
    path("code/", views.code, name="portal-code"),
    path("sign-out/", views.sign_out, name="portal-sign-out"),
    path("case/", views.my_case, name="portal-case"),
    path("rights/", views.my_rights, name="portal-rights"),
    path("messages/", views.message, name="portal-messages"),
    path("preferences/", views.preferences, name="portal-preferences"),
    path("updates/", views.updates, name="portal-updates"),
    path("statement/", views.vps, name="portal-vps"),
    path("review/", views.review, name="portal-review"),
    path("complaint/", views.complaint, name="portal-complaint"),
    path("rate/<str:entitlement>/", views.rate, name="portal-rate"),
    path("your-data/", views.your_data, name="portal-data"),
]
