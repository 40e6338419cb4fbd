from django.urls import path

from victimjourney.inspection import views

urlpatterns = [
    path("", views.overview, name="inspection-overview"),
    path("metrics/<str:metric_id>/", views.metric, name="inspection-metric"),
    path("samples/", views.samples, name="inspection-samples"),
    path("samples/<int:sample_id>/", views.sample, name="inspection-sample"),
    path("samples/<int:sample_id>/files/<int:file_id>/", views.judge_file,
         name="inspection-judge"),
    path("judgements/import/", views.judgements_upload, name="inspection-import"),
]
