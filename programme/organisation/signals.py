"""The language a user logs in with is the language of their e-mails, until they choose one."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.translation import get_language_from_request


@receiver(user_logged_in, dispatch_uid="programme.remember_language")
def remember_language(sender, request, user, **kwargs) -> None:
    from programme.models import UserProfile

    if request is None:
        return
    language = get_language_from_request(request)
    UserProfile.objects.filter(user=user, language="").update(language=language)
