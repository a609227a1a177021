// Chat Support in the browser: the source document's whole chat journey with the customer and
// the agent side by side (Spanish and English), the queue, two agents racing to accept, the
// network cut in the middle of a conversation, no agent online → a ticket, a chat turned into
// a ticket, the admin's bot editor, and the whole chat by keyboard alone. Tests run in file
// order: the first needs nobody online.
const { test, expect } = require('./fixtures');
const h = require('./helpers');

/** A new customer, signed in, in a browser context of their own: their page and account. */
async function newCustomer(browser, name, locale = 'es-ES') {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  const user = await h.registerAndActivate(page, name);
  await page.locator('form button[type=submit]').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  return { context, page, user };
}

/** Shows the app in English (the profile menu's language switch). */
async function inEnglish(page) {
  await page.locator('.profile-button').click();
  await page.getByRole('button', { name: 'English' }).click();
  await page.keyboard.press('Escape');
}

/** An agent's console, online: their page. */
async function agentConsole(browser, agent, locale = 'es-ES') {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await h.uiLogin(page, agent.email, agent.password);
  if (!locale.startsWith('es')) await inEnglish(page);
  await page.goto('/agent/chats');
  const online = locale.startsWith('es') ? 'Disponible' : 'Online';
  await page.getByRole('button', { name: online, exact: true }).click();
  await expect(page.getByRole('button', { name: online, exact: true })).toHaveAttribute('aria-pressed', 'true');
  return { context, page };
}

/** The texts of the chat's bubbles, in order, without the time. */
async function bubbles(page) {
  const texts = await page.locator('.chat-timeline .bubble:not(.sending) .bubble-text').allTextContents();
  return texts.map((t) => t.trim());
}

/** The stored transcript of a chat as the customer may read it: each message's text, in
 * order (its stored HTML read as text in the page, as the bubbles are). */
async function transcript(page, request, auth, chatId) {
  const res = await request.get(`/api/v1/chats/${chatId}`, auth);
  const chat = await res.json();
  const html = chat.events.filter((e) => e.type === 'message.created').map((e) => e.data.body_html);
  return page.evaluate((list) => list.map((h) => {
    const div = document.createElement('div');
    div.innerHTML = h;
    return div.textContent.trim();
  }), html);
}

test('no agent online: the customer is told why and leaves a ticket, which reaches Email Support', async ({ browser }) => {
  const { page, context } = await newCustomer(browser, 'Nora Sinagente');
  await page.getByRole('link', { name: 'Soporte por chat' }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Soporte por chat');
  await expect(page.locator('.bubble.from-bot').first()).toContainText('palabras clave');
  await page.getByRole('button', { name: 'Chatear con un humano' }).click();
  await expect(page.getByText('Ahora mismo no hay ningún agente disponible.')).toBeVisible();
  await h.expectAccessible(page, 'chat, no agent');
  await h.shot(page, 'chat-no-agent-es');
  await page.getByRole('button', { name: 'Dejar un ticket' }).click();
  const notice = page.locator('.alert.info', { hasText: 'Seguimos por correo con tu ticket' });
  await expect(notice).toBeVisible();
  const number = (await notice.getByRole('link').innerText()).replace('#', '');
  await h.shot(page, 'chat-ticket-left-es');
  await page.getByRole('link', { name: 'Soporte por correo' }).click();
  await expect(page.locator('main')).toContainText(`#${number}`);
  await context.close();
});

test('the whole chat journey in Spanish, customer and agent side by side, with the network cut', async ({ browser, page, request }) => {
  const tag = h.unique();
  // The admin adds a keyword in the Bot tab: new chats greet with it.
  await h.uiLogin(page, h.ADMIN_EMAIL, h.ADMIN_PASSWORD);
  await page.goto('/admin?tab=bot');
  await expect(page.getByRole('heading', { name: 'Palabras clave del asistente' })).toBeVisible();
  await page.getByRole('button', { name: 'Añadir palabra clave' }).click();
  const keyword = `Facturas ${tag}`;
  await page.locator('#keyword').fill(keyword);
  await page.locator('#aliases').fill(`recibos${tag}`);
  await page.locator('#response').fill('Tus **facturas** están en tu perfil, apartado Facturas.');
  await page.getByRole('button', { name: 'Guardar', exact: true }).click();
  await expect(page.locator('.greeting-preview')).toContainText(keyword);
  await h.expectAccessible(page, 'admin bot');
  await h.shot(page, 'admin-bot-es');

  const agent = await h.newAgent(request, `Lucía ${tag}`);
  const desk = await agentConsole(browser, agent);
  await h.expectAccessible(desk.page, 'chat console');

  const customer = await newCustomer(browser, `María ${tag}`);
  const me = customer.page;
  await me.goto('/chat');
  // The greeting with the palabras clave as buttons; a keyword's answer, then the two choices.
  await me.getByRole('button', { name: keyword }).click();
  await expect(me.locator('.bubble.from-bot').last()).toContainText('Tus facturas están en tu perfil');
  await expect(me.getByRole('button', { name: 'Live Agent Request' })).toBeVisible();
  await expect(me.getByRole('button', { name: 'Resume Chat With Bot' })).toBeVisible();
  await h.shot(me, 'chat-keyword-es');
  // Live Agent Request: in the queue, first.
  await me.getByRole('button', { name: 'Live Agent Request' }).click();
  await expect(me.locator('.queue-position')).toContainText(/Estás en la posición \d+ de \d+/);
  const place = await me.locator('.queue-position').innerText();
  // Resume Chat With Bot: the bot answers at once and the place is kept.
  await me.getByRole('button', { name: 'Resume Chat With Bot' }).click();
  await expect(me.locator('.bubble.from-bot').last()).toContainText('no pierdes tu lugar');
  await expect(me.locator('.queue-position')).toHaveText(place);
  await h.expectAccessible(me, 'chat waiting');
  await h.shot(me, 'chat-waiting-es');

  // The agent sees the customer waiting and accepts.
  const item = desk.page.locator('.queue-item', { hasText: `María ${tag}` });
  await expect(item).toBeVisible();
  await item.getByRole('button', { name: 'Aceptar' }).click();
  await expect(desk.page.getByRole('tab', { name: new RegExp(`María ${tag}`) })).toHaveAttribute('aria-selected', 'true');
  await expect(me.locator('.chat-note', { hasText: `Lucía ${tag} se unió al chat` })).toBeVisible();
  await expect(me.locator('.chat-with')).toHaveText(`Hablando con Lucía ${tag}`);

  // Messages both ways; Enter sends.
  const agentBox = desk.page.locator('.chat-composer textarea');
  await agentBox.fill('Hola, soy Lucía. ¿En qué te ayudo?');
  await agentBox.press('Enter');
  await expect(me.locator('.bubble', { hasText: '¿En qué te ayudo?' })).toBeVisible();
  const myBox = me.locator('.chat-composer textarea');
  await myBox.fill('Me cobraron dos veces');
  await myBox.press('Enter');
  await expect(desk.page.locator('.bubble', { hasText: 'Me cobraron dos veces' })).toBeVisible();
  // A screenshot goes with a message; the agent sees it as an image.
  await me.locator('#chat-files').setInputFiles([{ name: 'cobro.png', mimeType: 'image/png', buffer: h.PNG }]);
  await expect(me.locator('.upload', { hasText: 'cobro.png' })).toBeVisible();
  await expect(me.locator('.upload', { hasText: 'cobro.png' })).not.toContainText(/Subiendo/);
  await myBox.fill('Adjunto la captura del cobro');
  await myBox.press('Enter');
  const shown = desk.page.locator('.bubble', { hasText: 'Adjunto la captura del cobro' });
  await expect(shown.locator('img[alt="cobro.png"]')).toBeVisible();
  await expect(me.locator('.upload')).toHaveCount(0);
  await h.expectAccessible(desk.page, 'chat console, active');
  await h.shot(desk.page, 'chat-console-es');

  // The network goes away on the customer's side mid-conversation, and comes back.
  await customer.context.setOffline(true);
  await agentBox.fill('Lo reviso ahora mismo.');
  await agentBox.press('Enter');
  await myBox.fill('Escrito sin conexión');
  await myBox.press('Enter');
  await expect(me.locator('.bubble.sending', { hasText: 'Escrito sin conexión' })).toBeVisible();
  await customer.context.setOffline(false);
  await expect(desk.page.locator('.bubble', { hasText: 'Escrito sin conexión' })).toBeVisible();
  await expect(me.locator('.bubble.sending')).toHaveCount(0);
  await expect(me.locator('.bubble', { hasText: 'Lo reviso ahora mismo.' })).toBeVisible();
  // Both screens equal the stored transcript: no gap, no duplicate.
  const auth = { headers: { Authorization: `Bearer ${await h.apiLogin(request, customer.user.email, customer.user.password)}` } };
  const chats = await (await request.get('/api/v1/chats', auth)).json();
  const stored = await transcript(me, request, auth, chats.items[0].id);
  await expect.poll(() => bubbles(me)).toEqual(stored);
  await expect.poll(() => bubbles(desk.page)).toEqual(stored);

  // The agent closes; the customer rates, and the transcript arrives by email.
  await desk.page.getByRole('button', { name: 'Cerrar el chat' }).click();
  await expect(me.getByText('El chat ha terminado.').first()).toBeVisible();
  await me.getByText('5', { exact: true }).click();
  await me.locator('#rating-comment').fill('Muy amable');
  await me.getByRole('button', { name: 'Enviar valoración' }).click();
  await expect(me.getByText('¡Gracias por tu valoración!')).toBeVisible();
  await h.expectAccessible(me, 'chat closed');
  await h.shot(me, 'chat-closed-es');
  const mail = await h.emailTo(customer.user.email, /chat|conversaci/i);
  expect(mail.text).toContain('Me cobraron dos veces');
  await customer.context.close();
  await desk.context.close();
});

test('two customers wait at 1 and 2 and the second moves up; two agents accept at once and one wins', async ({ browser, request }) => {
  const tag = h.unique();
  const first = await newCustomer(browser, `Primero ${tag}`);
  const second = await newCustomer(browser, `Segundo ${tag}`);
  const tom = await h.newAgent(request, `Tom ${tag}`);
  const ana = await h.newAgent(request, `Ana ${tag}`);
  const tomDesk = await agentConsole(browser, tom);
  const anaDesk = await agentConsole(browser, ana);
  for (const c of [first, second]) {
    await c.page.goto('/chat');
    await c.page.getByRole('button', { name: 'Chatear con un humano' }).click();
    await expect(c.page.locator('.queue-card')).toBeVisible();
  }
  const position = async (c) => (await c.page.locator('.queue-position').innerText()).match(/posición (\d+)/)[1];
  const p1 = Number(await position(first));
  await expect(second.page.locator('.queue-position')).toContainText(`posición ${p1 + 1} de`);
  await h.shot(second.page, 'chat-queue-second-es');
  // The first leaves the queue (typing Reiniciar works on every node): the second moves up.
  await first.page.locator('.chat-composer textarea').fill('Reiniciar');
  await first.page.locator('.chat-composer textarea').press('Enter');
  await expect(first.page.locator('.queue-card')).toHaveCount(0);
  await expect(second.page.locator('.queue-position')).toContainText(`posición ${p1} de`);

  // Both agents press Accept on the same chat: one gets it, the other is told who did.
  const itemFor = (desk) => desk.page.locator('.queue-item', { hasText: `Segundo ${tag}` });
  await expect(itemFor(tomDesk)).toBeVisible();
  await expect(itemFor(anaDesk)).toBeVisible();
  await Promise.all([
    itemFor(tomDesk).getByRole('button', { name: 'Aceptar' }).click(),
    itemFor(anaDesk).getByRole('button', { name: 'Aceptar' }).click(),
  ]);
  const tab = (desk) => desk.page.getByRole('tab', { name: new RegExp(`Segundo ${tag}`) });
  await expect.poll(async () => (await tab(tomDesk).count()) + (await tab(anaDesk).count())).toBe(1);
  const tomWon = (await tab(tomDesk).count()) === 1;
  const [winner, loser, winnerName] = tomWon ? [tomDesk, anaDesk, `Tom ${tag}`] : [anaDesk, tomDesk, `Ana ${tag}`];
  await expect(loser.page.getByText(`${winnerName} tomó este chat.`)).toBeVisible();
  await expect(tab(loser)).toHaveCount(0);
  await h.shot(loser.page, 'chat-race-lost-es');
  await expect(second.page.locator('.chat-note', { hasText: `${winnerName} se unió al chat` })).toBeVisible();
  // The winner closes it, so the next tests start with an empty queue.
  await winner.page.getByRole('button', { name: 'Cerrar el chat' }).click();
  await first.page.getByRole('button', { name: 'Terminar el chat' }).click();
  for (const c of [first, second, tomDesk, anaDesk]) await c.context.close();
});

test('in English: the agent turns the chat into a ticket, which the customer finds in Email Support', async ({ browser, request }) => {
  const tag = h.unique();
  const agent = await h.newAgent(request, `Lucy ${tag}`);
  const desk = await agentConsole(browser, agent, 'en-GB');
  const customer = await newCustomer(browser, `Emma ${tag}`, 'en-GB');
  const me = customer.page;
  await inEnglish(me);
  await me.goto('/chat');
  await expect(me.getByRole('heading', { level: 1 })).toHaveText('Chat Support');
  await expect(me.locator('.bubble.from-bot').first()).toContainText('keywords');
  await me.getByRole('button', { name: 'Chat with a human' }).click();
  await expect(me.locator('.queue-card')).toContainText('You are number');
  await h.shot(me, 'chat-waiting-en');
  const item = desk.page.locator('.queue-item', { hasText: `Emma ${tag}` });
  await item.getByRole('button', { name: 'Accept' }).click();
  await expect(me.locator('.chat-note', { hasText: `Lucy ${tag} joined the chat` })).toBeVisible();
  await me.locator('.chat-composer textarea').fill('My invoice shows the wrong address');
  await me.locator('.chat-composer textarea').press('Enter');
  await expect(desk.page.locator('.bubble', { hasText: 'wrong address' })).toBeVisible();
  await h.shot(desk.page, 'chat-console-en');
  await desk.page.getByRole('button', { name: 'Turn into ticket' }).click();
  const notice = me.locator('.alert.info', { hasText: 'We continue by email with your ticket' });
  await expect(notice).toBeVisible();
  const number = (await notice.getByRole('link').innerText()).replace('#', '');
  await h.expectAccessible(me, 'chat as ticket (en)');
  await h.shot(me, 'chat-ticket-en');
  await me.getByRole('link', { name: 'Email Support' }).click();
  await expect(me.locator('main')).toContainText(`#${number}`);
  await customer.context.close();
  await desk.context.close();
});

/** Presses Tab until `target` has the focus (fails if 80 presses do not reach it): what a
 * keyboard user does, never a click. */
async function tabTo(page, target) {
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

test('keyboard only: the customer chats, waits, talks to the agent, ends and rates; the agent accepts and answers', async ({ browser, request }) => {
  const tag = h.unique();
  const agent = await h.newAgent(request, `Teclado ${tag}`);
  const desk = await agentConsole(browser, agent);
  const customer = await newCustomer(browser, `Tecla ${tag}`);
  const me = customer.page;
  await me.goto('/chat');
  await expect(me.locator('.bubble.from-bot').first()).toContainText('palabras clave');

  // A bot button by keyboard: into the queue.
  await tabTo(me, me.getByRole('button', { name: 'Chatear con un humano' }));
  await me.keyboard.press('Enter');
  await expect(me.locator('.queue-card')).toContainText('Estás en la posición');

  // The agent accepts and answers by keyboard (Enter sends).
  const item = desk.page.locator('.queue-item', { hasText: `Tecla ${tag}` });
  await tabTo(desk.page, item.getByRole('button', { name: 'Aceptar' }));
  await desk.page.keyboard.press('Enter');
  await expect(me.locator('.chat-note', { hasText: `Teclado ${tag} se unió al chat` })).toBeVisible();
  await tabTo(desk.page, desk.page.locator('.chat-composer textarea'));
  await desk.page.keyboard.type('Hola, te leo.');
  await desk.page.keyboard.press('Enter');
  await expect(me.locator('.bubble', { hasText: 'Hola, te leo.' })).toBeVisible();

  // The customer answers on two lines (Shift+Enter) and sends with Enter.
  await tabTo(me, me.locator('.chat-composer textarea'));
  await me.keyboard.type('Primera línea');
  await me.keyboard.press('Shift+Enter');
  await me.keyboard.type('segunda línea');
  await me.keyboard.press('Enter');
  const received = desk.page.locator('.bubble', { hasText: 'Primera línea' });
  await expect(received).toBeVisible();
  await expect(received).toContainText('segunda línea');
  await expect(me.locator('.chat-composer textarea')).toHaveValue('');

  // The customer ends the chat and rates it, still by keyboard.
  await tabTo(me, me.getByRole('button', { name: 'Terminar el chat' }));
  await me.keyboard.press('Enter');
  const five = me.getByRole('radio', { name: '5' });
  await tabTo(me, me.getByRole('radio', { name: '1' }));
  await me.keyboard.press('Space');
  for (let i = 0; i < 4; i++) await me.keyboard.press('ArrowRight');
  await expect(five).toBeChecked();
  await tabTo(me, me.locator('#rating-comment'));
  await me.keyboard.type('Rápido y amable');
  await tabTo(me, me.getByRole('button', { name: 'Enviar valoración' }));
  await me.keyboard.press('Enter');
  await expect(me.getByRole('status').filter({ hasText: 'Gracias' })).toBeVisible();
  await h.expectAccessible(me, 'chat rated (keyboard)');
  await customer.context.close();
  await desk.context.close();
});

test('the admin changes the chat settings: routing and limits, kept after a reload, refused out of range', async ({ page }) => {
  await h.uiLogin(page, h.ADMIN_EMAIL, h.ADMIN_PASSWORD);
  await page.goto('/admin?tab=bot');
  const settings = page.locator('form.chat-settings');
  await expect(settings.getByRole('radio', { name: /Manual/ })).toBeChecked();
  // Out of range: said at the field, before anything is sent.
  await settings.getByLabel('Minutos de espera hasta ofrecer dejar un ticket').fill('30');
  await settings.getByLabel('Minutos de espera hasta convertirlo en ticket').fill('20');
  await settings.getByRole('button', { name: 'Guardar ajustes' }).click();
  await expect(settings.locator('#hard-wait-error')).toContainText('Escribe un número de 31 a 1440.');
  await settings.getByLabel('Minutos de espera hasta convertirlo en ticket').fill('45');
  await settings.getByLabel('Límite de la cola').fill('12');
  await settings.getByRole('radio', { name: /Automático/ }).check();
  await settings.getByRole('button', { name: 'Guardar ajustes' }).click();
  await expect(settings.getByRole('status')).toHaveText('Ajustes guardados: ya se aplican.');
  await h.expectAccessible(page, 'admin chat settings');
  await h.shot(page, 'admin-chat-settings-es');
  await page.reload();
  await expect(settings.getByRole('radio', { name: /Automático/ })).toBeChecked();
  await expect(settings.getByLabel('Límite de la cola')).toHaveValue('12');
  await expect(settings.getByLabel('Minutos de espera hasta ofrecer dejar un ticket')).toHaveValue('30');
  await expect(settings.getByLabel('Minutos de espera hasta convertirlo en ticket')).toHaveValue('45');
  // Back to how the other tests expect it.
  await settings.getByRole('radio', { name: /Manual/ }).check();
  await settings.getByLabel('Límite de la cola').fill('20');
  await settings.getByRole('button', { name: 'Guardar ajustes' }).click();
  await expect(settings.getByRole('status')).toHaveText('Ajustes guardados: ya se aplican.');
});
