// Calls the demo server every two seconds and prints what it got back.
const port = Number(process.env.PORT || 8080);
setInterval(async () => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ping`);
    console.log(`got ${res.status}: ${(await res.text()).trim()}`);
  } catch (error) {
    console.error(`request failed: ${error.cause?.code ?? error.message}`);
  }
}, 2000);
