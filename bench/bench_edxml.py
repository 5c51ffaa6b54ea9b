# ruff: noqa: E501  (the Java driver below keeps its natural line lengths)
"""edXML packages: build and parse a 1 MB and a 50 MB package, time and peak memory, side by side
with the Government Office's own Java library (issue 11).

The peer is ``EdXML102-0.0.3.jar`` (VNPT, shipped with the VPCP axis SDK), kept unchanged in
``../shared/peers/edxml102/`` — measured, never used or copied. A tiny Java driver (below, written to
a temporary folder and compiled with the machine's ``javac``) builds a package with one attachment
through ``EdXmlBuilder.build`` and parses one through ``EdXmlParser.parse``. The Python side is
``qlvb.exchange.edxml`` (``build`` / ``parse`` with the attachments written out). Each side runs in a
fresh process per measurement, so each peak resident size (VmHWM) is its own: the first repetition
is the cold one (Java: class loading and JIT), the others are warm.

Both sides parse the *same* package (the one the Python side built) and each parses the other's
build — an interoperability check printed with the figures.

    .venv/bin/python bench/bench_edxml.py [--sizes 1,50] [--repeat 5]
    .venv/bin/python bench/bench_edxml.py --signature [--sizes 1,50]   # XML-DSig sign and check only

``--signature`` signs the package with a fresh RSA-2048 agency key and checks it
(``edxml.signature.sign_package`` / ``verify_package``), each in a fresh process: time and peak RSS
(``procmem``: VmHWM, reset before the measured call, so the figure is the call's own).

Without a JDK (``javac``), the Java column is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
MB = 1024 * 1024
PEER = next(
    (
        p
        for p in (ROOT.parent / "shared" / "peers" / "edxml102", ROOT.parent.parent / "shared" / "peers" / "edxml102")
        if p.is_dir()
    ),
    ROOT.parent / "shared" / "peers" / "edxml102",
)

JAVA_DRIVER = r"""
import com.vnpt.xml.base.Content;
import com.vnpt.xml.base.attachment.Attachment;
import com.vnpt.xml.base.header.*;
import com.vnpt.xml.ed.Ed;
import com.vnpt.xml.ed.builder.EdXmlBuilder;
import com.vnpt.xml.ed.header.*;
import com.vnpt.xml.ed.parser.EdXmlParser;
import java.io.*;
import java.nio.file.*;
import java.util.*;

public class EdxmlBench {
    static long hwmKb() throws IOException {
        for (String l : Files.readAllLines(Paths.get("/proc/self/status")))
            if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        return -1;
    }

    static Ed makeEd(File attach) throws Exception {
        MessageHeader mh = new MessageHeader();
        mh.setFrom(new Organization("000.00.00.H41", "UBND tỉnh Nghệ An", "UBND tỉnh Nghệ An", "Vinh", "a@b.vn", "1", "2", "x.vn"));
        mh.addTo(new Organization("000.00.12.H41", "UBND xã Liên Minh", "UBND xã Liên Minh", "", "", "", "", ""));
        mh.setDocumentId("000.00.00.H41,2026/12/01,125/UBND-VX");
        mh.setCode(new Code("125", "UBND-VX"));
        mh.setPromulgationInfo(new PromulgationInfo("Nghệ An", new Date()));
        mh.setDocumentType(new DocumentType(1, 0, "Công văn"));
        mh.setSubject("V/v tổ chức Ngày hội Đại đoàn kết toàn dân tộc");
        mh.setContent("Đề nghị các xã triển khai.");
        mh.setSignerInfo(new SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Nguyễn Văn Hùng"));
        mh.setOtherInfo(new OtherInfo(0, "Liên thông văn bản quốc gia", "VX", 1, 1));
        TraceHeaderList th = new TraceHeaderList();
        th.addTraceHeader(new TraceHeader("000.00.00.H41", new Date()));
        th.setBussiness(new Bussiness("0", "Văn bản điện tử mới", "0", "", new ArrayList<BussinessDocumentInfo>()));
        Ed ed = new Ed(new Header(mh, th), new ArrayList<Attachment>());
        // (contentId, name, description, file); the library writes "cid:" itself and chooses by
        // extension: .pdf/.doc/.docx/.xls(x)/.zip are base64-encoded raw, anything else zipped first
        ed.addAttachment(new Attachment("1", attach.getName(), attach.getName(), attach));
        return ed;
    }

    public static void main(String[] a) throws Exception {
        String mode = a[0];
        int reps = Integer.parseInt(a[a.length - 1]);
        double[] ms = new double[reps];
        long bytes = 0;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            if (mode.equals("parse")) {
                Ed ed;
                try (InputStream in = new BufferedInputStream(new FileInputStream(a[1]))) {
                    ed = EdXmlParser.getInstance().parse(in);
                }
                bytes = 0;
                for (Attachment att : ed.getAttachments()) {
                    File f = att.getContent();
                    if (f != null) { bytes += f.length(); }
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
                for (Attachment att : ed.getAttachments()) { File f = att.getContent(); if (f != null) f.delete(); }
            } else {
                Content c = EdXmlBuilder.build(makeEd(new File(a[1])), a[2]);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                bytes = c.getContent().length();
                if (i < reps - 1) c.getContent().delete();
                else c.getContent().renameTo(new File(a[3]));
            }
        }
        double[] warm = Arrays.copyOfRange(ms, Math.min(1, reps - 1), reps);
        Arrays.sort(warm);
        System.out.printf(Locale.ROOT,
            "{\"cold_ms\": %.1f, \"warm_median_ms\": %.1f, \"warm_best_ms\": %.1f, \"peak_rss_kb\": %d, \"bytes\": %d}%n",
            ms[0], warm[warm.length / 2], warm[0], hwmKb(), bytes);
    }
}
"""


def hwm_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def worker(mode: str, args: list[str], reps: int) -> None:
    """One measurement in this (fresh) process; prints one JSON line."""
    from qlvb.exchange.edxml import Attachment, build, parse
    from qlvb.exchange.edxml.model import (
        Bussiness,
        Code,
        DocumentType,
        Edoc,
        EdocHeader,
        Organization,
        PromulgationInfo,
        SignerInfo,
        TraceHeader,
    )

    def make(src: Path) -> Edoc:
        return Edoc(
            header=EdocHeader(
                from_=Organization("000.00.00.H41", organ_name="UBND tỉnh Nghệ An"),
                to=[Organization("000.00.12.H41", organ_name="UBND xã Liên Minh")],
                document_id="000.00.00.H41,2026/12/01,125/UBND-VX",
                code=Code("125", "UBND-VX"),
                promulgation_info=PromulgationInfo("Nghệ An", "2026/12/01"),
                document_type=DocumentType("1", "0", "Công văn"),
                subject="V/v tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
                signer_info=SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Nguyễn Văn Hùng"),
            ),
            trace_headers=[TraceHeader("000.00.00.H41", "2026/12/01 08:30:00")],
            bussiness=Bussiness("0", "Văn bản điện tử mới"),
            attachments=[Attachment(path=src)],
        )

    if mode in ("sign", "verify", "verify-signxml"):
        signature_worker(mode, args, reps)
        return

    def once() -> int:
        if mode == "build":
            build(make(Path(args[0])), args[1])
            return Path(args[1]).stat().st_size
        out = Path(args[1])
        parsed = parse(args[0], attachments_dir=out)
        n = sum(a.size for a in parsed.package.attachments)  # type: ignore[union-attr]
        shutil.rmtree(out, ignore_errors=True)
        return n

    times = []
    nbytes = 0
    for _ in range(reps):
        t0 = time.perf_counter()
        nbytes = once()
        times.append((time.perf_counter() - t0) * 1000)
    rss = hwm_kb()
    tracemalloc.start()
    once()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    warm = sorted(times[1:] or times)
    print(
        json.dumps(
            {
                "cold_ms": round(times[0], 1),
                "warm_median_ms": round(statistics.median(warm), 1),
                "warm_best_ms": round(warm[0], 1),
                "peak_rss_kb": rss,
                "traced_peak_kb": traced // 1024,
                "bytes": nbytes,
            }
        )
    )


def signature_worker(mode: str, args: list[str], reps: int) -> None:
    """Sign ``args[0]`` into ``args[1]`` with the key ``args[2]``, or check ``args[0]``: time, and the peak
    resident size of the call itself (VmHWM reset just before it)."""
    from procmem import proc_status_kb, reset_peak_rss

    from qlvb.exchange.edxml.signature import sign_package, verify_package

    times, verdict = [], ""
    base = peak = 0
    for _ in range(reps):
        reset_peak_rss()
        base = proc_status_kb("VmRSS")
        t0 = time.perf_counter()
        if mode == "sign":
            sign_package(args[0], args[1], key_path=args[2])
        elif mode == "verify-signxml":
            verdict = _signxml_verify(args[0])
        else:
            verdict = verify_package(args[0]).verdict
        times.append((time.perf_counter() - t0) * 1000)
        peak = max(peak, proc_status_kb("VmHWM") - base)
    warm = sorted(times[1:] or times)
    print(
        json.dumps(
            {
                "cold_ms": round(times[0], 1),
                "warm_median_ms": round(statistics.median(warm), 1),
                "warm_best_ms": round(warm[0], 1),
                "peak_rss_kb": proc_status_kb("VmHWM"),
                "call_peak_kb": peak,
                "bytes": Path(args[0]).stat().st_size,
                "verdict": verdict,
            }
        )
    )


def _signxml_verify(path: str) -> str:
    """The check as it was before the streaming one (and as a peer does it): signxml on the whole tree."""
    from lxml import etree
    from signxml import XMLVerifier

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    root = etree.parse(path, parser).getroot()
    cert = root.find(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate").text
    XMLVerifier().verify(root, x509_cert="".join(cert.split()))
    return "valid"


def signature_main(sizes: list[int], repeat: int, content: str) -> None:
    """``--signature``: sign and check a 1 MB / 50 MB package (fresh process each)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from qlvb.exchange.edxml.tests.test_signature_cli import key_files

    tmp = Path(tempfile.mkdtemp(prefix="bench-edxml-sign-"))
    key = key_files(tmp / "key", "UBND xã Liên Minh")["pem"]
    py = [sys.executable, __file__, "--worker"]
    try:
        print(f"{'':22} {'cold ms':>9} {'warm med':>9} {'peak RSS MB':>12} {'call peak MB':>13} {'package MB':>11}")
        for size in sizes:
            src = tmp / f"van-ban-{size}mb.{'pdf' if content == 'random' else 'txt'}"
            write_source(src, size * MB, content)
            pkg, signed = tmp / f"p-{size}.edxml", tmp / f"s-{size}.edxml"
            run_json([*py, "build", str(src), str(pkg), "1"])
            reps = repeat if size < 10 else max(2, repeat // 2 + 1)
            rows = {
                f"sign {size} MB": run_json([*py, "sign", str(pkg), str(signed), str(key), str(reps)]),
                f"verify {size} MB": run_json([*py, "verify", str(signed), str(reps)]),
                f"signxml verify {size} MB": run_json([*py, "verify-signxml", str(signed), str(reps)]),
            }
            for name, r in rows.items():
                if "error" in r:
                    print(f"{name:22} ERROR {r['error']}")
                    continue
                print(
                    f"{name:22} {r['cold_ms']:9.1f} {r['warm_median_ms']:9.1f} {r['peak_rss_kb'] / 1024:12.1f} "
                    f"{r['call_peak_kb'] / 1024:13.1f} {r['bytes'] / MB:11.1f} {r.get('verdict', '')}"
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


WORDS = [
    "ủy",
    "ban",
    "nhân",
    "dân",
    "xã",
    "liên",
    "minh",
    "huyện",
    "tỉnh",
    "nghệ",
    "an",
    "công",
    "văn",
    "quyết",
    "định",
    "về",
    "việc",
    "tổ",
    "chức",
    "triển",
    "khai",
    "kế",
    "hoạch",
    "năm",
    "2026",
    "đề",
    "nghị",
    "các",
    "đơn",
    "vị",
    "báo",
    "cáo",
    "kết",
    "quả",
    "thực",
    "hiện",
    "trước",
    "ngày",
    "tháng",
    "số",
    "ký",
    "hiệu",
    "nơi",
    "nhận",
    "lưu",
    "văn",
    "thư",
]


def write_source(path: Path, size: int, content: str) -> None:
    """``size`` bytes of random (incompressible) or text (compressible) content behind a PDF header."""
    import random

    rng = random.Random(size)
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.7\n")
        left = size - 16 - 9
        while left > 0:
            n = min(MB, left)
            if content == "random":
                fh.write(os.urandom(n))
            else:
                words = " ".join(rng.choice(WORDS) for _ in range(n // 4)).encode()
                fh.write((words * (n // len(words) + 1))[:n])
            left -= n


def run_json(cmd: list[str]) -> dict:
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not lines:
        return {"error": (res.stderr.strip().splitlines() or ["?"])[-1][:200]}
    return json.loads(lines[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,50", help="attachment sizes in MB")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--content",
        choices=["random", "text"],
        default="random",
        help="random: incompressible (a signed PDF, a scan); text: Vietnamese words, deflates about 5×",
    )
    ap.add_argument("--worker", nargs="+")
    ap.add_argument("--signature", action="store_true", help="XML-DSig: sign and check only")
    a = ap.parse_args()
    if a.worker:
        worker(a.worker[0], a.worker[1:-1], int(a.worker[-1]))
        return
    if a.signature:
        signature_main([int(s) for s in a.sizes.split(",")], a.repeat, a.content)
        return

    javac, java = shutil.which("javac"), shutil.which("java")
    jar = PEER / "EdXML102-0.0.3.jar"
    cp = f"{jar}:{PEER / 'lib'}/*"
    tmp = Path(tempfile.mkdtemp(prefix="bench-edxml-"))
    has_java = bool(javac and java and jar.is_file())
    if has_java:
        (tmp / "EdxmlBench.java").write_text(JAVA_DRIVER, encoding="utf-8")
        subprocess.run([javac, "-nowarn", "-cp", cp, "-d", str(tmp), str(tmp / "EdxmlBench.java")], check=True)
        jv = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
        print(f"Java peer: {jar.name} on {jv}")
    else:
        print("Java peer skipped: no JDK (javac) or no ../shared/peers/edxml102 — install openjdk-17-jdk-headless")
    py = [sys.executable, __file__, "--worker"]
    try:
        for size in [int(s) for s in a.sizes.split(",")]:
            reps = a.repeat if size < 10 else max(2, a.repeat // 2 + 1)
            # random → a .pdf (both sides: no deflate — Java sends a .pdf raw, Python stores what does
            # not compress); text → a .txt (both sides deflate it into a zip)
            src = tmp / f"van-ban-{size}mb.{'pdf' if a.content == 'random' else 'txt'}"
            write_source(src, size * MB, a.content)
            py_pkg, java_pkg = tmp / f"py-{size}.edxml", tmp / f"java-{size}.edxml"
            rows = {
                "python build": run_json([*py, "build", str(src), str(py_pkg), str(reps)]),
                "python parse": run_json([*py, "parse", str(py_pkg), str(tmp / "out-py"), str(reps)]),
            }
            if has_java:
                jcmd = [java, "-Xmx2g", "-cp", f"{cp}:{tmp}", "EdxmlBench"]
                (tmp / "jout").mkdir(exist_ok=True)
                rows["java build"] = run_json([*jcmd, "build", str(src), str(tmp / "jout"), str(java_pkg), str(reps)])
                rows["java parse"] = run_json([*jcmd, "parse", str(py_pkg), str(reps)])
                rows["python parse of java's package"] = run_json(
                    [*py, "parse", str(java_pkg), str(tmp / "out-j"), "1"]
                )
            print(
                f"\n== {a.content} attachment {size} MB (package {py_pkg.stat().st_size / MB:.1f} MB), {reps} runs each"
            )
            print(
                f"{'':34} {'cold ms':>9} {'warm med':>9} {'best':>9} {'peak RSS MB':>12} {'traced MB':>10} {'bytes':>10}"
            )
            for name, r in rows.items():
                if "error" in r:
                    print(f"{name:34} ERROR {r['error']}")
                    continue
                traced = f"{r['traced_peak_kb'] / 1024:.1f}" if "traced_peak_kb" in r else "—"
                print(
                    f"{name:34} {r['cold_ms']:9.1f} {r['warm_median_ms']:9.1f} {r['warm_best_ms']:9.1f} "
                    f"{r['peak_rss_kb'] / 1024:12.1f} {traced:>10} {r['bytes']:10d}"
                )
            if has_java and all(
                "error" not in rows[k] for k in ("python build", "java build", "python parse", "java parse")
            ):
                for op in ("build", "parse"):
                    p, j = rows[f"python {op}"], rows[f"java {op}"]
                    print(
                        f"ratio {op} java/python: warm {j['warm_median_ms'] / p['warm_median_ms']:.2f}×, "
                        f"cold {j['cold_ms'] / p['cold_ms']:.2f}×, peak RSS {j['peak_rss_kb'] / p['peak_rss_kb']:.2f}×"
                    )
            size_ok = src.stat().st_size
            j_ok = rows.get("java parse", {}).get("bytes") == size_ok
            p_ok = rows.get("python parse of java's package", {}).get("bytes") == size_ok
            if has_java:
                print(
                    f"interop: Java parses the Python package → {'same bytes' if j_ok else 'NOT the same bytes'}; "
                    f"Python parses the Java package → {'same bytes' if p_ok else 'NOT the same bytes'}"
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
