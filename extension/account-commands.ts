/**
 * Chat: Change Password… and Chat: Manage Devices…: the account requests of the connected
 * client, behind input boxes and a quick pick. Signing this device out is ConnectionManager's,
 * since it ends the connection.
 */
import * as vscode from 'vscode';
import type { DeviceInfo, RelayClient } from '../client/relay-client';
import type { ConnectionManager } from './connection-manager';
import { oneLine } from './model/one-line';
import { SERVER_TEXT_MAX } from './model/refusal';
import { askNewPassword } from './password-prompts';
import { askStep } from './input-step';

/** Device labels come from other clients: shown cut to this many code points. */
const LABEL_MAX = 64;

/** The client of the live connection, or undefined after saying that one is needed. */
function onlineClient(connection: ConnectionManager, what: string): RelayClient | undefined {
  const model = connection.model;
  if (model?.connection.state === 'online') return model.client;
  void vscode.window.showWarningMessage(`Relay Chat: connect first to ${what}.`);
  return undefined;
}

export async function changePassword(connection: ConnectionManager): Promise<void> {
  const client = onlineClient(connection, 'change your password');
  if (!client) return;
  const hasPassword = client.accountState?.password === true;
  const count = hasPassword ? 3 : 2;
  const title = 'Relay Chat: Change Password';
  let current: string | undefined;
  if (hasPassword) {
    current = await askStep({
      title,
      prompt: `Your current password for "${client.name}"`,
      value: '',
      password: true,
      step: { index: 1, count },
      check: (text) => (text ? { value: text } : { problem: 'Enter your current password' }),
    });
    if (current === undefined) return;
  }
  const next = await askNewPassword({ title, prompt: 'Your new password (8 to 1,024 characters)', first: count - 1, count });
  if (next === undefined) return;
  try {
    await client.changePassword(current, next);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'AUTH_FAILED'
        ? 'the current password is wrong. Run Chat: Change Password… again'
        : `${errorText(error)}. Your password is unchanged`;
    void vscode.window.showErrorMessage(`Relay Chat: could not change the password: ${why}.`);
    return;
  }
  void vscode.window.showInformationMessage(
    `Relay Chat: the password of "${client.name}" was changed. Devices already signed in stay signed in; Chat: Manage Devices… signs them out.`,
  );
}

type DeviceItem = vscode.QuickPickItem & ({ action: 'device'; device: DeviceInfo } | { action: 'others'; others: DeviceInfo[] });

export async function manageDevices(connection: ConnectionManager): Promise<void> {
  const client = onlineClient(connection, 'manage your devices');
  if (!client) return;
  let devices: DeviceInfo[];
  try {
    devices = (await client.listDevices()).devices;
  } catch (error) {
    void vscode.window.showErrorMessage(`Relay Chat: could not list the devices: ${errorText(error)}. Try again once connected.`);
    return;
  }
  const others = devices.filter((device) => !device.current);
  const items: DeviceItem[] = devices.map((device) => ({
    label: `$(${device.current ? 'vm-active' : 'device-desktop'}) ${oneLine(device.label, LABEL_MAX)}`,
    description: device.current ? 'this device' : undefined,
    detail: `signed in ${when(device.createdAt)}, last seen ${when(device.lastSeenAt)}`,
    action: 'device',
    device,
  }));
  if (others.length > 0) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, action: 'others', others });
    items.push({ label: '$(sign-out) Sign out all other devices', description: `${others.length}`, action: 'others', others });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `Relay Chat: Devices of "${client.name}"`,
    placeHolder: 'Pick a device to sign it out',
    matchOnDetail: true,
  });
  if (!picked) return;
  if (picked.action === 'device' && picked.device.current) {
    await connection.signOut();
    return;
  }
  const targets = picked.action === 'device' ? [picked.device] : picked.others;
  const what = targets.length === 1 ? `"${oneLine(targets[0]!.label, LABEL_MAX)}"` : `${targets.length} other devices`;
  const choice = await vscode.window.showWarningMessage(
    `Sign out ${what}?`,
    { modal: true, detail: 'Their tokens stop working; signing in there again needs the password.' },
    'Sign Out',
  );
  if (choice !== 'Sign Out') return;
  try {
    for (const device of targets) await client.revokeDevice(device.id);
  } catch (error) {
    void vscode.window.showErrorMessage(`Relay Chat: could not sign out ${what}: ${errorText(error)}. Run Chat: Manage Devices… again.`);
    return;
  }
  void vscode.window.showInformationMessage(`Relay Chat: signed out ${what}.`);
}

function when(ms: number): string {
  return new Date(ms).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

function errorText(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error), SERVER_TEXT_MAX);
}
