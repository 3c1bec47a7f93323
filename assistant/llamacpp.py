"""A local GGUF model as a LangChain chat model (the optional `llamacpp` extra)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict

from journey.errors import InvalidInput

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChatModel(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    llama: Any
    max_tokens: int = 400

    @classmethod
    def from_path(
        cls, path: Path, max_tokens: int = 400, threads: int | None = None
    ) -> LlamaCppChatModel:
        from llama_cpp import Llama  # the llamacpp extra; its builder checks it is installed

        if not Path(path).is_file():
            raise InvalidInput(f"generator.model_path: {path} is not a file")
        llama = Llama(model_path=str(path), n_ctx=4096, n_threads=threads, verbose=False)
        return cls(llama=llama, max_tokens=max_tokens)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _payload(self, messages: list[BaseMessage]) -> list[dict[str, str]]:
        return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        out = self.llama.create_chat_completion(
            self._payload(messages), max_tokens=self.max_tokens, temperature=0, stop=stop
        )
        text = out["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for part in self.llama.create_chat_completion(
            self._payload(messages),
            max_tokens=self.max_tokens,
            temperature=0,
            stop=stop,
            stream=True,
        ):
            token = part["choices"][0]["delta"].get("content")
            if token:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
                if run_manager:
                    run_manager.on_llm_new_token(token, chunk=chunk)
                yield chunk
