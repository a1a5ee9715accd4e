#!/usr/bin/python3
# make_hostile_packages.py - writes Azure-style VPN client packages (zip) built to make `sstp import`
# and `sstp package show` write outside their directories or corrupt the terminal: path traversal
# in the VNet name (the default profile name), entry names with ../, ..\, absolute paths and drive
# letters, a symlink entry, duplicate entries, and control characters / escape sequences in every
# text field. Every dangerous name carries TOKEN so the test can look for it anywhere afterwards.
# Usage: make_hostile_packages.py OUTDIR TOKEN TEMPLATE.zip (the real package in tests/data/pkg).
import os
import re
import stat
import sys
import zipfile

out, token, template = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
src = zipfile.ZipFile(template)
xml = src.read("Generic\\VpnSettings.xml").decode()
cer = src.read("Generic\\VpnServerRoot.cer")


def with_fields(**kw):
    x = xml
    for k, v in kw.items():
        x = re.sub(r"<%s>.*?</%s>" % (k, k), "<%s>%s</%s>" % (k, v, k), x, flags=re.S)
    return x


def write(name, entries):
    path = os.path.join(out, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for e in entries:
            if len(e) == 3:  # symlink: (name, target, "link")
                zi = zipfile.ZipInfo(e[0])
                zi.create_system = 3
                zi.external_attr = (stat.S_IFLNK | 0o777) << 16
                z.writestr(zi, e[1])
            else:
                z.writestr(zipfile.ZipInfo(e[0]), e[1])
    print(path)


up = "../" * 12
bup = "..\\" * 12
# 1. traversal through the VNet name (the default profile name) and through entry names
write("traversal.zip", [
    ("Generic\\VpnSettings.xml", with_fields(VnetName=up + "tmp/%s-vnet" % token)),
    ("Generic\\VpnServerRoot.cer", cer),
    (bup + "tmp\\%s-a" % token, b"x"),
    ("/tmp/%s-abs" % token, b"x"),
    ("Generic/" + up + "tmp/%s-b" % token, b"x"),
    ("C:\\%s-c" % token, b"x"),
])
# 2. the whole settings file reached through a traversal name, plus a symlink where the root goes
write("sneaky.zip", [
    ("Generic\\..\\Generic\\VpnSettings.xml", with_fields(VnetName="%s-sneaky/../../x" % token)),
    ("Generic\\VpnServerRoot.cer", "/tmp/%s-link" % token, "link"),
    ("Generic\\VpnSettings.xml", with_fields(VnetName="ok-name")),
])
# 3. line breaks and C1 control characters (legal in XML 1.0; U+009B is a one-character CSI) in
#    the text fields; 3b. the same in a file XML cannot carry them in: raw ESC (the parser refuses)
csi = "&#155;2J&#155;31m"
write("escapes.zip", [
    ("Generic\\VpnSettings.xml", with_fields(VnetName="vnet" + csi + "&#13;&#10;Injected: line",
                                             VnetId="id" + csi,
                                             Routes="10.0.0.0/16")),
    ("Generic\\VpnServerRoot.cer", cer),
])
write("rawesc.zip", [
    ("Generic\\VpnSettings.xml", with_fields(VnetName="v\x1b[5mraw")),
    ("Generic\\VpnServerRoot.cer", cer),
])
# 3c. only the VNet name traverses (every entry is fine): the default profile name
write("vnet-traversal.zip", [
    ("Generic\\VpnSettings.xml", with_fields(VnetName=up + "tmp/%s-vnet" % token)),
    ("Generic\\VpnServerRoot.cer", cer),
])
# 4. raw control bytes in entry names and the XML
write("rawctl.zip", [
    ("Generic\\VpnSettings.xml", with_fields(VnetName="v\x1b[5mraw")),
    ("Generic\\VpnServerRoot.cer", cer),
    ("Generic\\\x1b[2Jname", b"x"),
])
