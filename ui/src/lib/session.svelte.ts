// Who is signed in, for every page. Loaded once at start (GET /api/session);
// a 401 from any call clears it, and App sends the user to sign in again.
import * as api from "./api";
import type { Session } from "./types";

class SessionState {
  current: Session | null = $state(null);
  loaded = $state(false);
  /** ended: the session ended under the user (401 mid-use), to say so at sign-in. */
  ended = $state(false);

  constructor() {
    api.onUnauthenticated(() => {
      if (this.current) this.ended = true;
      this.current = null;
    });
  }

  async load() {
    try {
      this.current = await api.currentSession();
    } finally {
      this.loaded = true;
    }
  }

  async signIn(user: string, password: string) {
    this.current = await api.signIn(user, password);
    this.ended = false;
  }

  async signOut() {
    try {
      await api.signOut();
    } finally {
      this.current = null;
    }
  }
}

export const session = new SessionState();
