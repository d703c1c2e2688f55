"""A TCP relay that holds every chunk it relays for a fixed time in each direction, to emulate a
round trip longer than loopback's (no netem on the bench machine). Used by hand for HTTP/2 flow
control (docs/benchmarks.md, "HTTP/2 connection window").

    python3 bench/tools/delay_relay.py LISTEN_PORT TARGET_PORT DELAY_SECONDS
"""
import asyncio
import sys


async def relay(reader, writer, delay):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while True:
            received, data = await queue.get()
            wait = received + delay - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    while True:
        data = await reader.read(65536)
        queue.put_nowait((loop.time(), data or None))
        if not data:
            break
    await sender


async def main(listen, target, delay):
    async def connected(client_reader, client_writer):
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
        await asyncio.gather(
            relay(client_reader, up_writer, delay),
            relay(up_reader, client_writer, delay),
            return_exceptions=True,
        )

    server = await asyncio.start_server(connected, "127.0.0.1", listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))
