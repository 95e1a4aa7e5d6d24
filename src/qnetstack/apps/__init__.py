"""The application layer: apps as protocol entities on the stack, and the QKD library.

* :mod:`.primitives` — what a user asks of an app and what it hands back (sessions, keys);
* :mod:`.messages` — the PDUs two apps exchange (the QKD post-processing conversation);
* :mod:`.bbm92` — BBM92 QKD over the network layer, key block by key block;
* :mod:`.chsh` — a CHSH Bell test over the network layer (:mod:`.bell_test`: its figures);
* :mod:`.teleport_client` — sessions of qubits sent by teleportation (over the transport layer);
* :mod:`.host` — several apps on one node (the app layer as a small stack of apps);
* :mod:`.keystore` — the ETSI GS QKD 014 shaped key store fed by the key blocks;
* :mod:`.qkd` — the post-processing library (sifting, estimation, Cascade, PA, finite key);
* :mod:`.ghz` — GHZ fusion.
"""

from __future__ import annotations

from qnetstack.apps.bbm92 import Bbm92App, key_id
from qnetstack.apps.chsh import ChshApp
from qnetstack.apps.config import Bbm92Config, ChshConfig, TeleportClientConfig
from qnetstack.apps.host import AppHost
from qnetstack.apps.keystore import Key, KeyStore, KeyStoreError, KeyStoreStatus
from qnetstack.apps.primitives import (
    AppResultIndication,
    AppSessionRequest,
    BellTestResultIndication,
    BellTestSessionRequest,
    BlockReport,
    KeyBlockFailedIndication,
    KeyDeliveredIndication,
    QkdSessionEndIndication,
    QkdSessionRequest,
    SessionId,
    TeleportedQubitIndication,
    TeleportQubitFailedIndication,
    TeleportQubitSentIndication,
    TeleportSessionRequest,
)
from qnetstack.apps.teleport_client import TeleportClientApp

__all__ = [
    "AppHost",
    "AppResultIndication",
    "AppSessionRequest",
    "Bbm92App",
    "Bbm92Config",
    "BellTestResultIndication",
    "BellTestSessionRequest",
    "BlockReport",
    "ChshApp",
    "ChshConfig",
    "Key",
    "KeyBlockFailedIndication",
    "KeyDeliveredIndication",
    "KeyStore",
    "KeyStoreError",
    "KeyStoreStatus",
    "QkdSessionEndIndication",
    "QkdSessionRequest",
    "SessionId",
    "TeleportClientApp",
    "TeleportClientConfig",
    "TeleportQubitFailedIndication",
    "TeleportQubitSentIndication",
    "TeleportSessionRequest",
    "TeleportedQubitIndication",
    "key_id",
]
