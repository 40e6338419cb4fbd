from django.urls import path

from victimjourney.linkage import views

urlpatterns = [
    path("", views.home, name="linkage-home"),
    path("first-contact/", views.first_contact, name="linkage-first-contact"),
    path("cases/<path:reference>/victims/<str:key>/", views.victim_earlier,
         name="linkage-victim"),
    path("review/", views.review_list, name="linkage-review"),
    path("review/<int:pk>/", views.review_detail, name="linkage-review-detail"),
    path("people/<int:record_id>/", views.person, name="linkage-person"),
    path("proposals/", views.proposal_list, name="linkage-proposals"),
    path("proposals/<int:pk>/", views.proposal_detail, name="linkage-proposal-detail"),
]
