"""Wire formats: one module per API, each exposing a `DECODER`.

Adding a provider means adding its module and listing its decoder here.
"""

from __future__ import annotations

from vizlib.decoders import (
    anthropic,
    audio,
    batches,
    bedrock,
    cohere,
    cohere_v1,
    embeddings,
    gemini,
    generic,
    images,
    moderation,
    ollama,
    openai_assistants,
    openai_chat,
    openai_completions,
    openai_responses,
    openai_responses_polls,
    rerank,
    tgi,
    token_count,
    writer,
    xai,
    xai_stream,
)
from vizlib.decoders.base import Decoder
from vizlib.records import Decoded, Exchange

__all__ = ["DECODERS", "Decoder", "decode_exchange"]

DECODERS: tuple[Decoder, ...] = (
    openai_chat.DECODER,
    openai_responses.DECODER,
    anthropic.DECODER,
    gemini.DECODER,
    bedrock.DECODER,
    ollama.DECODER,
    openai_completions.DECODER,
    cohere.DECODER,
    xai.DECODER,
    cohere_v1.DECODER,
    writer.DECODER,
    token_count.DECODER,
    embeddings.DECODER,
    images.DECODER,
    audio.DECODER,
    moderation.DECODER,
    rerank.DECODER,
    batches.DECODER,
    openai_assistants.DECODER,
    openai_responses_polls.DECODER,
    xai_stream.DECODER,
    tgi.DECODER,
)


def decode_exchange(exchange: Exchange) -> Decoded:
    """Decode an exchange with the first decoder that claims its request."""
    for decoder in DECODERS:
        if decoder.matches(exchange.request):
            return decoder.decode(exchange)
    return generic.decode(exchange)
