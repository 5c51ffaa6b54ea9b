"""The recipient's steps flow back to the sender: every new event on an internally delivered document
updates the sender's delivery status in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from qlvb.documents.models import Channel, Direction, DocumentEvent

from .services import EVENT_STATUS, status_from_event


@receiver(post_save, sender=DocumentEvent, dispatch_uid="exchange_status_from_event")
def _on_event(sender: Any, instance: DocumentEvent, created: bool, **kwargs: Any) -> None:
    if not created or instance.action not in EVENT_STATUS:
        return
    document = instance.document
    if document.direction != Direction.INCOMING or document.channel != Channel.INTERNAL:
        return
    status_from_event(incoming=document, action=instance.action, actor_name=instance.actor_name,
                      text=instance.text)
