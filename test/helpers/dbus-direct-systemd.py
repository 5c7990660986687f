"""A stand-in for systemd's private socket (/run/systemd/private): a peer-to-peer D-Bus server (libdbus,
no bus daemon) that answers Manager.ListUnits and Properties.Get for one unit, and refuses Hello as
systemd does there. Usage: python3 dbus-direct-systemd.py unix:path=SOCKET; prints "ready" once listening
and "connection" for each client."""
import sys

import dbus
import dbus.mainloop.glib
import dbus.server
import dbus.service
from gi.repository import GLib

MANAGER = "org.freedesktop.systemd1.Manager"
UNIT_PATH = "/org/freedesktop/systemd1/unit/direct_2eservice"
PROPERTIES = {
    ("/org/freedesktop/systemd1", MANAGER, "Version"): dbus.String("256", variant_level=1),
    ("/org/freedesktop/systemd1", MANAGER, "Virtualization"): dbus.String("", variant_level=1),
    ("/org/freedesktop/systemd1", MANAGER, "SystemState"): dbus.String("running", variant_level=1),
    (UNIT_PATH, "org.freedesktop.systemd1.Service", "Type"): dbus.String("exec", variant_level=1),
}


class Node(dbus.service.Object):
    @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        key = (self._object_path, str(interface), str(name))
        if key not in PROPERTIES:
            raise dbus.exceptions.DBusException("no such property", name="org.freedesktop.DBus.Error.UnknownProperty")
        return PROPERTIES[key]


class Manager(Node):
    @dbus.service.method(MANAGER, in_signature="", out_signature="a(ssssssouso)")
    def ListUnits(self):
        return [("direct.service", "Direct", "loaded", "active", "running", "", dbus.ObjectPath(UNIT_PATH), dbus.UInt32(0), "", dbus.ObjectPath("/"))]


def on_connection(connection):
    print("connection", flush=True)
    Manager(connection, "/org/freedesktop/systemd1")
    Node(connection, UNIT_PATH)


dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
server = dbus.server.Server(sys.argv[1])
server.on_connection_added.append(on_connection)
print("ready", flush=True)
GLib.MainLoop().run()
