using System.Text;

namespace Bot.Adapters.Pages;

/// <summary>The pages' shared head: no script, no external resources, a viewport for phones, one small stylesheet.</summary>
internal static class PageHtml
{
    private const string Css = """
        :root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--w:#0969da;--ok:#1a7f37;--bad:#cf222e;--wait:#9a6700;--an:#8250df}
        @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#8d96a0;--bg:#0d1117;--line:#30363d;--w:#4493f8}}
        *{box-sizing:border-box}body{margin:0 auto;max-width:60rem;padding:1rem;font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
        h1{font-size:1.35rem;margin:.2rem 0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}code{font-size:.95em}
        .meta,footer,small,.axis,.legend{color:var(--muted)}footer{margin-top:1.5rem;font-size:.85rem}
        .phase{font-weight:600;padding:0 .35rem;border-radius:.3rem;border:1px solid currentColor}
        .phase-ok{color:var(--ok)}.phase-bad{color:var(--bad)}.phase-wait{color:var(--wait)}.phase-run{color:var(--w)}
        .left{font-weight:600;color:var(--wait)}.latency strong{color:var(--bad)}
        svg{width:100%;height:auto;display:block}.grid{stroke:var(--line);stroke-width:1}.axis{font-size:11px;fill:var(--muted)}
        .weight{fill:none;stroke:var(--w);stroke-width:2.5}.weight-point{fill:var(--w)}
        .event line{stroke-width:1;stroke-dasharray:3 3;opacity:.55}.event circle,.k{fill:var(--muted);background:var(--muted)}
        .event-step line{stroke:var(--muted)}.event-approve circle,.k-approve{fill:var(--ok);background:var(--ok)}.event-approve line{stroke:var(--ok)}
        .event-pause circle,.k-pause{fill:var(--wait);background:var(--wait)}.event-pause line{stroke:var(--wait)}
        .event-rollback circle,.k-rollback{fill:var(--bad);background:var(--bad)}.event-rollback line{stroke:var(--bad)}
        .event-analysis circle,.k-analysis{fill:var(--an);background:var(--an)}.event-analysis line{stroke:var(--an)}
        .event-refused line{stroke:var(--muted)}.k{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin:0 .25rem 0 .6rem}.k-weight{background:var(--w)}
        .legend{font-size:.85rem}.plan{padding-left:1.6rem}.step{margin:.15rem 0}.step.done{color:var(--muted)}.step.done::marker{content:"✓ "}
        .step.current{font-weight:700}.step.stopped{color:var(--bad)}.now{color:var(--w)}
        table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
        @media (max-width:40rem){table,thead,tbody,tr,td{display:block}thead{display:none}tr{padding:.3rem 0;border-bottom:1px solid var(--line)}td{border:0;padding:.05rem 0}}
        .ev-rollback td:nth-child(2),.out-bad{color:var(--bad)}.ev-approve td:nth-child(2),.out-ok{color:var(--ok)}.out-wait{color:var(--wait)}
        """;

    public static void Head(StringBuilder sb, string title) =>
        sb.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
          .Append("<meta name=\"robots\" content=\"noindex\"><title>").Append(RolloutPage.E(title)).Append("</title><style>").Append(Css).Append("</style></head><body>\n");
}
