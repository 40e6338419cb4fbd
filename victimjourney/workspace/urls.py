from django.contrib.auth import views as auth_views
from django.urls import path

from victimjourney.workspace import views

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("duties/", views.my_duties, name="my-duties"),
    path("duties/team/", views.team, name="team"),
    path("cases/", views.case_search, name="case-search"),
    path("cases/new/", views.case_new, name="new-case"),
    path("cases/new/<path:reference>/report/", views.case_new_report, name="new-case-report"),
    path("cases/<path:reference>/record/", views.record_choose, name="record-choose"),
    path("cases/<path:reference>/record/<str:event_type>/", views.record_event,
         name="record-event"),
    # Event ids may contain slashes (feeds use the crime reference): they go in the query.
    path("cases/<path:reference>/letter/", views.letter, name="letter"),
    path("cases/<path:reference>/", views.case_detail, name="case-detail"),
]
