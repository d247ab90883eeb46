from django.urls import path

from attune.programs import views

urlpatterns = [
    path("", views.home, name="home"),
]
