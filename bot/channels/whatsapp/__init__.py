"""WhatsApp through Twilio's Python SDK (async client): the transport only."""
