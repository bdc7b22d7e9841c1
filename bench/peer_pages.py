"""The FastAPI peer's cart and receipt pages, for bench/storefront.sh: the peer in
../shared/peers/fastapi_storefront/ has only the home and item pages, so these two are written
here in its own style (same tenant resolution, one transaction with the tenant set for row-level
security, the storefront row, then the page's own query; escaped Jinja2 HTML). The cart reads its
lines from a cookie ("id:qty,...") in one query, as Cadence does; the receipt looks an order up by
the reference the visitor holds. Run: uvicorn peer_pages:app (from the peer's folder)."""
from decimal import Decimal

from fastapi import Request
from fastapi.responses import HTMLResponse

from app import app, env, BASE  # the peer itself, unchanged
import app as peer

CART = env.from_string("""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Cart · {{ s.display_name }}</title><meta name="viewport" content="width=device-width"></head>
<body><header><a href="/">{{ s.display_name }}</a></header><main><h1>Your cart</h1><table>
{% for l in lines %}<tr><td>{{ l.title }}</td><td>{{ l.price }} {{ s.currency }}</td><td>{{ l.qty }}</td>
<td>{{ l.total }} {{ s.currency }}</td></tr>{% endfor %}</table><p>Total {{ total }} {{ s.currency }}</p>
<form method="post" action="/checkout"><input name="name"><input name="email"><button>Place order</button>
</form></main></body></html>""")

THANKS = env.from_string("""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Thank you · {{ s.display_name }}</title><meta name="viewport" content="width=device-width"></head>
<body><header><a href="/">{{ s.display_name }}</a></header><main><h1>Thank you</h1>
<p>Order {{ o.number }}: {{ o.total }} {{ s.currency }}</p></main></body></html>""")


def slug_of(request: Request):
    host = request.headers.get("host", "").split(":")[0]
    if not host.endswith("." + BASE):
        return None
    return host[: -len(BASE) - 1]


def parse_cart(raw: str):
    lines = []
    for part in raw.split(",")[:50]:
        item, _, qty = part.partition(":")
        if item.strip().isdigit() and qty.strip().isdigit() and 1 <= int(qty) <= 1000:
            lines.append((int(item), int(qty)))
    return lines


@app.get("/cart", response_class=HTMLResponse)
async def cart(request: Request):
    slug = slug_of(request)
    if slug is None:
        return HTMLResponse("not found", status_code=404)
    wanted = parse_cart(request.cookies.get("cart", ""))
    async with peer.pool.acquire() as con:
        async with con.transaction():
            tid = await con.fetchval("select id from tenant_directory where slug = $1 and status = 'active'", slug)
            if tid is None:
                return HTMLResponse("not found", status_code=404)
            await con.execute("select set_config('app.tenant_id', $1, true)", str(tid))
            s = await con.fetchrow("select display_name, tagline, currency from storefront")
            rows = await con.fetch("select id, title, price from catalog_item where id = any($1) and active",
                                   [i for i, _ in wanted])
    by_id = {r["id"]: r for r in rows}
    lines, total = [], Decimal(0)
    for item, qty in wanted:
        r = by_id.get(item)
        if r is None:
            continue
        line = r["price"] * qty
        total += line
        lines.append({"title": r["title"], "price": r["price"], "qty": qty, "total": line})
    return HTMLResponse(CART.render(s=s, lines=lines, total=total))


@app.get("/thanks", response_class=HTMLResponse)
async def thanks(request: Request, ref: str = ""):
    slug = slug_of(request)
    if slug is None:
        return HTMLResponse("not found", status_code=404)
    async with peer.pool.acquire() as con:
        async with con.transaction():
            tid = await con.fetchval("select id from tenant_directory where slug = $1 and status = 'active'", slug)
            if tid is None:
                return HTMLResponse("not found", status_code=404)
            await con.execute("select set_config('app.tenant_id', $1, true)", str(tid))
            s = await con.fetchrow("select display_name, tagline, currency from storefront")
            o = await con.fetchrow("select number, total from orders where token = $1::uuid", ref)
    if o is None:
        return HTMLResponse("not found", status_code=404)
    return HTMLResponse(THANKS.render(s=s, o=o))
