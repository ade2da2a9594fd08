"""URLs: the API under /api/v1/ (DRF's DefaultRouter, whose root lists the routers'
collections), the site root and robots.txt. The error handlers answer JSON when DEBUG is
off (the fixed variant); with DEBUG on Django answers its technical pages instead."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("products", views.ProductViewSet)
router.register("orders", views.OrderViewSet, basename="order")
router.register("admin/reset", views.ResetViewSet, basename="admin-reset")

api = [
    path("health/", views.health),
    path("auth/login/", views.LoginView.as_view()),
    path("users/me/", views.MeView.as_view()),
    *router.urls,
]

urlpatterns = [
    path("", views.index),
    path("robots.txt", views.robots_txt),
    path("api/v1/", include(api)),
]

handler400 = "rest_framework.exceptions.bad_request"
handler404 = "shop.views.not_found"
handler500 = "rest_framework.exceptions.server_error"
