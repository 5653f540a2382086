from django.urls import path

app_name = "education"
urlpatterns: list[path] = []
