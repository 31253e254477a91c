export class ConnectLinkResponse {
  /** Single-use link for the end user's browser; hand it to your signed-in user only, just in time. */
  url: string;

  expiresAt: Date;
}

export class ConnectedResponse {
  connected: true;

  userId: string;

  openId: string;
}
