// The agent's day: the queue in order, bulk changes, canned replies, drafts, two agents on one
// ticket, and a ticket opened for a customer who called.
const { test, expect } = require('./fixtures');
const h = require('./helpers');

/** A customer with tickets, made through the API: returns the bearer header and numbers. */
async function customerWithTickets(request, page, name, titles) {
  const user = await h.registerAndActivate(page, name);
  await page.getByRole('button', { name: 'Confirmar e iniciar sesión' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Hola, ${name}`);
  const auth = { headers: { Authorization: `Bearer ${await h.apiLogin(request, user.email, user.password)}` } };
  const types = await (await request.get('/api/v1/ticket-types', auth)).json();
  const numbers = [];
  for (const title of titles) {
    const res = await request.post('/api/v1/tickets', { ...auth, data: { title, type_id: types[0].id, description: `Detalle de ${title}` } });
    numbers.push((await res.json()).number);
  }
  return { user, auth, numbers };
}

test('the queue sorts by waiting time, shows the last message, and changes tickets in bulk', async ({ browser, page, request }) => {
  const tag = h.unique();
  const { numbers } = await customerWithTickets(request, page, 'Berta Cola', [`Cola A ${tag}`, `Cola B ${tag}`, `Cola C ${tag}`]);
  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  await h.uiLogin(agent, h.ADMIN_EMAIL, h.ADMIN_PASSWORD);
  await agent.getByRole('button', { name: /Todos abiertos/ }).click();
  // Longest waiting first: the oldest ticket leads; each row says since when, and what was written.
  await agent.locator('#queue-sort').selectOption('oldest_waiting');
  await expect(agent).toHaveURL(/sort=oldest_waiting/);
  const ours = agent.locator('.ticket-row', { hasText: tag });
  await expect(ours).toHaveCount(3);
  await expect(ours.first()).toContainText(`Cola A ${tag}`);
  await expect(ours.nth(2)).toContainText(`Cola C ${tag}`);
  await expect(ours.first().locator('.waiting')).toContainText('Espera desde hace');
  await expect(ours.first().locator('.last-message')).toContainText(`Detalle de Cola A ${tag}`);
  await h.expectAccessible(agent, 'queue');
  await h.shot(agent, 'queue-sorted');
  // Newest first is the other way round.
  await agent.locator('#queue-sort').selectOption('newest');
  await expect(ours.first()).toContainText(`Cola C ${tag}`);
  // Back returns to the previous order: each order is a history entry.
  await agent.goBack();
  await expect(agent).toHaveURL(/sort=oldest_waiting/);
  await expect(ours.first()).toContainText(`Cola A ${tag}`);

  // Select two, assign them to me, then close them: a line says what happened.
  await agent.getByLabel(`Seleccionar el ticket #${numbers[0]}`).check();
  await agent.getByLabel(`Seleccionar el ticket #${numbers[1]}`).check();
  await expect(agent.getByRole('region', { name: 'Acciones sobre los seleccionados' })).toContainText('2 seleccionados');
  await h.expectAccessible(agent, 'bulk bar');
  await agent.getByRole('region', { name: 'Acciones sobre los seleccionados' }).getByRole('button', { name: 'Asignármelo' }).click();
  await expect(agent.getByText('Tickets cambiados: 2.')).toBeVisible();
  for (const n of numbers.slice(0, 2)) {
    await expect(agent.locator('.ticket-row', { hasText: `#${n}` })).toContainText('Administrator');
  }
  await agent.getByLabel(`Seleccionar el ticket #${numbers[0]}`).check();
  await agent.getByLabel(`Seleccionar el ticket #${numbers[1]}`).check();
  await agent.getByRole('region', { name: 'Acciones sobre los seleccionados' }).getByRole('button', { name: 'Cerrar' }).click();
  await expect(agent.getByText('Tickets cambiados: 2.')).toBeVisible();
  // Closed tickets leave the open view; the third stays as it was.
  await expect(ours).toHaveCount(1);
  await expect(ours.first()).toContainText(`Cola C ${tag}`);
  const auth = { headers: { Authorization: `Bearer ${await h.apiLogin(request, h.ADMIN_EMAIL, h.ADMIN_PASSWORD)}` } };
  for (const n of numbers.slice(0, 2)) {
    expect((await (await request.get(`/api/v1/tickets/${n}`, auth)).json()).status).toBe('closed');
  }
  await agentContext.close();
});

test('canned replies fill in the customer and ticket; a draft survives leaving the page', async ({ browser, page, request }) => {
  const tag = h.unique();
  const { numbers } = await customerWithTickets(request, page, 'Carmen Plantilla', [`Plantilla ${tag}`]);
  const number = numbers[0];
  const admin = { headers: { Authorization: `Bearer ${await h.apiLogin(request, h.ADMIN_EMAIL, h.ADMIN_PASSWORD)}` } };
  const res = await request.post('/api/v1/canned-replies', {
    ...admin,
    data: { title: `Saludo ${tag}`, locale: 'es', shared: true, body: 'Hola {{customer.first_name}}, soy {{agent.name}} y llevo el #{{ticket.number}}.' },
  });
  expect(res.status()).toBe(201);

  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  await h.uiLogin(agent, h.ADMIN_EMAIL, h.ADMIN_PASSWORD);
  await agent.goto(`/tickets/${number}`);
  await agent.locator('#canned-reply').selectOption({ label: `Saludo ${tag} (es)` });
  await expect(agent.locator('#body')).toHaveValue(`Hola Carmen, soy Administrator y llevo el #${number}.`);
  await expect(agent.locator('#body')).toBeFocused();
  // Leave and come back: what was typed is still there.
  await agent.locator('#body').press('End');
  await agent.keyboard.type(' Un momento.');
  await agent.goto('/agent');
  await agent.goto(`/tickets/${number}`);
  await expect(agent.locator('#body')).toHaveValue(`Hola Carmen, soy Administrator y llevo el #${number}. Un momento.`);
  // Submit as resolved: one click answers and resolves, and the draft is gone.
  await agent.locator('#submit-status').selectOption('resolved');
  await agent.getByRole('button', { name: 'Enviar respuesta' }).click();
  await expect(agent.getByText('Respuesta enviada.')).toBeVisible();
  await expect(agent.locator('.ticket-head .badge')).toHaveText('Resuelto');
  await expect(agent.locator('#body')).toHaveValue('');
  await h.expectAccessible(agent, 'agent ticket with canned replies');
  await agent.reload();
  await expect(agent.locator('#body')).toHaveValue('');
  await agentContext.close();
});

test('two agents on one ticket see each other, and who is writing', async ({ browser, page, request }) => {
  const { numbers } = await customerWithTickets(request, page, 'Diana Doble', [`Doble ${h.unique()}`]);
  const tom = await h.newAgent(request, 'Tom Colisión');
  const ana = await h.newAgent(request, 'Ana Colisión');
  const tomContext = await browser.newContext();
  const anaContext = await browser.newContext();
  const tomPage = await tomContext.newPage();
  const anaPage = await anaContext.newPage();
  await h.uiLogin(tomPage, tom.email, tom.password);
  await h.uiLogin(anaPage, ana.email, ana.password);
  await tomPage.goto(`/tickets/${numbers[0]}`);
  await anaPage.goto(`/tickets/${numbers[0]}`);
  // Each sees the other within a poll (10 s).
  await expect(tomPage.getByText('Ana Colisión también está viendo este ticket.')).toBeVisible({ timeout: 20_000 });
  await expect(anaPage.getByText('Tom Colisión también está viendo este ticket.')).toBeVisible({ timeout: 20_000 });
  // Ana starts writing: Tom is told at once... within his next poll.
  await anaPage.locator('#body').fill('Le contesto yo');
  await expect(tomPage.getByText('Ana Colisión está respondiendo a este ticket.')).toBeVisible({ timeout: 20_000 });
  await h.expectAccessible(tomPage, 'collision warning');
  await h.shot(tomPage, 'collision');
  // Ana leaves for her queue: Tom's next poll no longer names her. (A closed tab says
  // nothing; its agent drops out after 30 s without a report.)
  await anaPage.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Espacio de trabajo' }).click();
  await expect(tomPage.locator('.collision')).not.toContainText('Ana Colisión', { timeout: 20_000 });
  await tomContext.close();
  await anaContext.close();
});

test('an agent opens a ticket for a caller; the requester panel shows them and their tickets', async ({ page, request }) => {
  await h.uiLogin(page, h.ADMIN_EMAIL, h.ADMIN_PASSWORD);
  await page.getByRole('link', { name: 'Nuevo ticket para un cliente' }).click();
  await expect(page).toHaveURL(/\/tickets\/new$/);
  const caller = `${h.unique()}@caller.test`;
  await page.locator('#requester-email').fill(caller);
  await page.locator('#requester-name').fill('Rosa Teléfono');
  await page.locator('#title').fill('Llamó: no le llega la factura');
  await page.locator('#type_id').selectOption({ index: 1 });
  await page.locator('#description').fill('Llamó a las 10:00. Pide la factura de marzo.');
  await h.expectAccessible(page, 'new ticket for a customer');
  await page.getByRole('button', { name: 'Abrir ticket' }).click();
  await expect(page).toHaveURL(/\/tickets\/\d+$/);
  const number = page.url().split('/').pop();
  await expect(page.getByText(`Ticket #${number} creado`)).toBeVisible();
  // The requester panel: who they are, and their other tickets (none yet).
  const panel = page.getByRole('region', { name: 'Cliente', exact: true });
  await expect(panel).toContainText('Rosa Teléfono');
  await expect(panel).toContainText(caller);
  await expect(panel).toContainText('Ningún otro ticket.');
  // The caller gets the number by email, and an account to follow it.
  const received = await h.emailTo(caller, new RegExp(`\\[#${number}\\]`));
  expect(received.subject).toContain(`[#${number}]`);
  await h.emailTo(caller, /./);

  // A second ticket for the same customer, found by name this time.
  await page.goto('/tickets/new');
  await page.locator('#requester-search').fill('Rosa Teléfono');
  await page.locator('#requester-search').press('Enter');
  await page.getByRole('button', { name: `Rosa Teléfono <${caller}>` }).click();
  await expect(page.locator('.requester-picker .chosen')).toContainText('Rosa Teléfono');
  await page.locator('#title').fill('Segunda llamada');
  await page.locator('#type_id').selectOption({ index: 1 });
  await page.locator('#description').fill('Vuelve a llamar.');
  await page.getByRole('button', { name: 'Abrir ticket' }).click();
  await expect(page.getByText(/Ticket #\d+ creado/)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Cliente', exact: true }).getByRole('link', { name: new RegExp(`#${number} Llamó`) })).toBeVisible();
});
