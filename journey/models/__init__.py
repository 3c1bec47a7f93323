"""Every table of the product, in one package at the bottom of the layers: no domain imports a
sibling's tables. Modules by domain: the journey core, conversations, feedback, knowledge."""

from journey.models.conversations import (
    CONVERSATION_STATUSES,
    MESSAGE_ROLES,
    Conversation,
    Message,
    NextStepSuggestion,
    ReviewedAnswer,
)
from journey.models.core import (
    Account,
    ApiToken,
    AuditLog,
    AutomationRule,
    Contact,
    JourneyEvent,
    StaffUser,
    VisitorId,
    WebhookDelivery,
    WebhookSubscription,
)
from journey.models.feedback import (
    Flag,
    FlagNote,
    Improvement,
    Review,
    SurveyResponse,
    TextAnalysis,
    Theme,
    Ticket,
    TicketComment,
)
from journey.models.knowledge import KnowledgeChunk, KnowledgeSource

__all__ = [
    "CONVERSATION_STATUSES",
    "MESSAGE_ROLES",
    "Account",
    "ApiToken",
    "AuditLog",
    "AutomationRule",
    "Contact",
    "Conversation",
    "Flag",
    "FlagNote",
    "Improvement",
    "JourneyEvent",
    "KnowledgeChunk",
    "KnowledgeSource",
    "Message",
    "NextStepSuggestion",
    "Review",
    "ReviewedAnswer",
    "StaffUser",
    "SurveyResponse",
    "TextAnalysis",
    "Theme",
    "Ticket",
    "TicketComment",
    "VisitorId",
    "WebhookDelivery",
    "WebhookSubscription",
]
